from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<str:code>", views.verify, name="verify"),
    path("brankas/", views.vault, name="vault"),
    path("petugas/dokumen/<str:code>/cabut/", views.revoke, name="revoke"),
]
