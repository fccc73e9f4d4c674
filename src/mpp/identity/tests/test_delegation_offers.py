"""No oracle on a NIK (issue 20 §3): offering a delegation answers the same whether or not the NIK has an account,
shows no name until the grantee accepts, is limited, and takes effect only when the grantee accepts."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from mpp.identity.models import Delegation
from mpp.identity.selectors import Basis, can_act_for
from mpp.identity.tests.factories import make_citizen
from mpp.notifications.models import Notification

pytestmark = pytest.mark.django_db
GRANTOR, HOLDER, NOBODY = "6472015204900003", "6472010309870001", "6472010309870999"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def grantor():
    return make_citizen(GRANTOR)


@pytest.fixture
def holder():
    return make_citizen(HOLDER, first_name="Budi", last_name="Santoso")


def _offer(client, nik, purpose="Mengurus KK"):
    until = timezone.localdate() + datetime.timedelta(days=30)
    return client.post("/akun/kuasa/", {"grantee_nik": nik, "purpose": purpose, "valid_until": until}, follow=True)


def test_an_offer_answers_the_same_whether_or_not_the_nik_has_an_account(client, grantor, holder):
    client.force_login(grantor)
    to_holder, to_nobody = _offer(client, HOLDER), _offer(client, NOBODY)
    assert to_holder.status_code == to_nobody.status_code == 200
    said = [[str(m) for m in response.context["messages"]] for response in (to_holder, to_nobody)]
    assert said[0] == said[1] and "Kuasa ditawarkan" in said[0][0]
    page = client.get("/akun/kuasa/").content.decode()
    assert "Budi" not in page and "Santoso" not in page  # no name until accepted
    assert f"{HOLDER[:6]}••••••{HOLDER[-4:]}" in page and "menunggu persetujuan" in page


def test_the_holder_is_told_and_the_grant_works_only_once_accepted(client, grantor, holder):
    client.force_login(grantor)
    _offer(client, HOLDER)
    offer = Delegation.objects.get()
    assert Notification.objects.filter(user=holder, kind="delegation_offered").count() == 1
    assert can_act_for(holder, GRANTOR) is None
    client.force_login(holder)
    assert "Menunggu jawaban Anda" in client.get("/akun/kuasa/").content.decode()
    assert client.post("/akun/kuasa/", {"accept": offer.pk}).status_code == 302
    assert can_act_for(holder, GRANTOR) == Basis.DELEGATION
    client.force_login(grantor)
    assert "Budi Santoso" in client.get("/akun/kuasa/").content.decode()


def test_a_declined_offer_never_takes_effect(client, grantor, holder):
    client.force_login(grantor)
    _offer(client, HOLDER)
    offer = Delegation.objects.get()
    client.force_login(holder)
    client.post("/akun/kuasa/", {"decline": offer.pk})
    assert can_act_for(holder, GRANTOR) is None
    assert client.post("/akun/kuasa/", {"accept": offer.pk}).status_code == 404
    client.force_login(grantor)
    assert "ditolak" in client.get("/akun/kuasa/").content.decode()


def test_only_the_holder_of_the_nik_may_answer(client, grantor, holder):
    client.force_login(grantor)
    _offer(client, HOLDER)
    offer = Delegation.objects.get()
    other = make_citizen(NOBODY)
    for someone in (other, grantor):
        client.force_login(someone)
        assert client.post("/akun/kuasa/", {"accept": offer.pk}).status_code == 404
    assert can_act_for(other, GRANTOR) is None and Delegation.objects.get().accepted_at is None


def test_offers_are_limited(client, grantor):
    client.force_login(grantor)
    for attempt in range(10):
        _offer(client, f"64720103098{attempt + 1:05d}")
    refused = _offer(client, NOBODY)
    assert refused.status_code == 429
    assert Delegation.objects.count() == 10
