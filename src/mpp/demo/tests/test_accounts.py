import pytest
from django.core.exceptions import ImproperlyConfigured

from mpp.demo.accounts import DEMO_PASSWORD, seed_demo_accounts
from mpp.identity.models import User
from mpp.identity.selectors import agency_roles

pytestmark = pytest.mark.django_db


def test_demo_accounts_exist_only_in_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        seed_demo_accounts()


def test_the_demo_has_samarindas_disdukcapil_officers(settings):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    seed_demo_accounts()  # idempotent
    verifier = User.objects.get(username="verifikator.samarinda")
    assert verifier.check_password(DEMO_PASSWORD)
    [(_agency, role)] = agency_roles(verifier)
    assert role == "verifier"
    assert {"kadis.samarinda", "kemenpanrb"} <= set(User.objects.values_list("username", flat=True))
