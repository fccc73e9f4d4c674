"""Payments in the demo: Kota Samarinda charges its regional fee for the practice permit (as its bylaw may), paid
before the health office processes it, so the demo's nurse meets a bill, the bank page and her receipt."""

from mpp.catalog.models import Service
from mpp.catalog.services import adjust_service

FEE = {
    "amount": 50000,
    "note": "Retribusi izin praktik menurut Perda Kota Samarinda (contoh demo), dibayar sebelum berkas diproses.",
    "note_en": "The practice permit's regional fee under Kota Samarinda's bylaw (a demo example), paid before "
    "the application is processed.",
    "payment": "before",
}


def seed_demo_payments() -> int:
    """Samarinda's practice permit gets its demo fee (once); returns how many services changed."""
    service = (
        Service.objects.select_related("current_version")
        .filter(region_id="64.72", template__slug="sip-tenaga-kesehatan")
        .first()
    )
    if service is None or service.current_version.parsed.fee.amount:
        return 0
    adjust_service(service=service, adjustments={"fee": FEE}, by=None, note="Demo: retribusi izin praktik.")
    return 1
