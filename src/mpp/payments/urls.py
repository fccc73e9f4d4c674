from django.urls import path

from .views import snap

app_name = "payments"

urlpatterns = [
    path("snap/v1.0/access-token/b2b", snap.token, name="snap-token"),
    path("snap/v1.0/transfer-va/payment", snap.payment, name="snap-payment"),
]
