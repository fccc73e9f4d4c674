from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("wilayah/", views.region_search, name="region_search"),
    path("wilayah/<str:code>/", views.region_detail, name="region"),
    path("wilayah/<str:code>/desa/", views.village_list, name="villages"),
    path("wilayah/<str:code>/layanan/<uuid:service_id>/", views.village_service, name="village_service"),
    # A service's page: its standard (the catalog) and its satisfaction index (the surveys).
    path("layanan/<uuid:service_id>/", views.service, name="service"),
]
