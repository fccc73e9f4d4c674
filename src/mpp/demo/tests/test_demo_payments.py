"""The demo's fee: Samarinda's practice permit costs Rp50.000, paid before processing, set once."""

import pytest

from mpp.catalog.models import Service
from mpp.demo.payments import seed_demo_payments

pytestmark = pytest.mark.django_db


def test_the_practice_permit_in_samarinda_gets_its_demo_fee_once():
    assert seed_demo_payments() == 1
    assert seed_demo_payments() == 0
    fee = Service.objects.get(region_id="64.72", template__slug="sip-tenaga-kesehatan").current_version.parsed.fee
    assert (fee.amount, fee.payment) == (50000, "before")
    other = Service.objects.filter(template__slug="sip-tenaga-kesehatan").exclude(region_id="64.72").first()
    assert other.current_version.parsed.fee.amount == 0
