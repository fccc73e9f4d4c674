from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("wilayah/", views.region_search, name="search"),
    path("wilayah/<str:code>/", views.region_detail, name="detail"),
]
