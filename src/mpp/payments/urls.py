from django.urls import path

from .views import bills, counter, snap, treasurer

app_name = "payments"

urlpatterns = [
    path("tagihan/", bills.mine, name="mine"),
    path("tagihan/bayar/", bills.pay_other, name="pay_other"),
    path("tagihan/<uuid:bill_id>/", bills.detail, name="bill"),
    path("loket/tagihan/", counter.cash, name="cash"),
    path("bendahara/", treasurer.report, name="treasurer"),
    path("bendahara/penerimaan.<str:extension>", treasurer.export, name="treasurer_export"),
    path("bendahara/selisih/<int:mismatch_id>/", treasurer.resolve, name="resolve"),
    path("snap/v1.0/access-token/b2b", snap.token, name="snap-token"),
    path("snap/v1.0/transfer-va/payment", snap.payment, name="snap-payment"),
]
