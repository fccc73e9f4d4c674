from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("wilayah/", views.region_search, name="region_search"),
    path("wilayah/<str:code>/", views.region_detail, name="region"),
    # A service's page: its standard (the catalog) and its satisfaction index (the surveys).
    path("layanan/<uuid:service_id>/", views.service, name="service"),
]
