from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("layanan/<uuid:service_id>/", views.service_detail, name="detail"),
    path("cari/", views.service_search, name="search"),
]
