from django.urls import path

from .views import citizen

app_name = "applications"

urlpatterns = [
    path("layanan/<uuid:service_id>/ajukan/", citizen.apply, name="apply"),
    path("permohonan/", citizen.dashboard, name="dashboard"),
    path("permohonan/<str:tracking_number>/", citizen.detail, name="detail"),
    path("permohonan/<str:tracking_number>/perbaikan/", citizen.revise, name="revise"),
]
