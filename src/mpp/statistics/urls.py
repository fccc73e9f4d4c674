from django.urls import path

from . import views

app_name = "statistics"
urlpatterns = [
    path("kementerian/", views.national, name="national"),
    path("pengelola/statistik/", views.region, name="region"),
    path("statistik/", views.public_national, name="public_national"),
    path("statistik/<str:code>/", views.public_region, name="public_region"),
]
