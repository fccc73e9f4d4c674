from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("layanan/<uuid:service_id>/", views.service_detail, name="detail"),
    path("layanan/<uuid:service_id>/ajukan/", views.apply_start, name="apply"),
    path("cari/", views.service_search, name="search"),
]
