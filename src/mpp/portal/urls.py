from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("wilayah/", views.region_search, name="region_search"),
    path("wilayah/<str:code>/", views.region_detail, name="region"),
]
