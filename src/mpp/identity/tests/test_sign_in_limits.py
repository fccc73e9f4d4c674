"""Sign-in limits an attacker cannot turn against a citizen (issue 20 §4): failures stop the guessing address,
slow the account down without locking it, never block a known device, and the owner is told."""

import pytest
from django.core.cache import cache
from django.test import Client

from mpp.identity import login_throttle
from mpp.identity.tests.factories import make_citizen
from mpp.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db
RIGHT = "correct-horse-battery"
WRONG = "wrong-password-1"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def new_client():
    """Another browser (its own cookies)."""
    return Client()


def _login(client, username, password=RIGHT, address=OWNER):
    return client.post("/akun/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_successful_sign_ins_never_count(client):
    citizen = make_citizen()
    for _ in range(login_throttle.ADDRESS_LIMIT + 5):
        assert _login(client, citizen.nik).status_code == 302
        client.logout()


def test_failures_stop_the_guessing_address_for_that_account(client):
    citizen = make_citizen(email="siti@example.test")
    for attempt in range(login_throttle.PAIR_LIMIT):
        typed = citizen.nik if attempt % 2 else "SITI@example.test"  # NIK and e-mail: one account
        assert _login(client, typed, WRONG, ATTACKER).status_code == 400
    refused = _login(client, citizen.nik, RIGHT, ATTACKER)  # even the right password, from there
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert int(refused["Retry-After"]) <= login_throttle.WINDOW_SECONDS + 1
    assert "_auth_user_id" not in client.session


def test_an_attacker_at_one_address_cannot_lock_out_the_owner_at_another(client):
    citizen = make_citizen()
    for _ in range(login_throttle.PAIR_LIMIT * 3):
        _login(client, citizen.nik, WRONG, ATTACKER)
    assert _login(client, citizen.nik, RIGHT, OWNER).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(client):
    for attempt in range(login_throttle.ADDRESS_LIMIT):
        _login(client, f"64720152049{attempt:05d}", WRONG, ATTACKER)
    citizen = make_citizen()
    assert _login(client, citizen.nik, RIGHT, ATTACKER).status_code == 429
    assert _login(client, citizen.nik, RIGHT, OWNER).status_code == 302


def test_guessing_from_many_addresses_slows_the_account_down_and_a_known_device_still_signs_in(client, new_client):
    citizen = make_citizen()
    assert _login(new_client, citizen.nik).status_code == 302  # the owner's phone: a known device from now on
    assert new_client.post("/akun/keluar/").status_code == 302  # signed out; the browser keeps its device cookie
    assert login_throttle.DEVICE_COOKIE in new_client.cookies
    for attempt in range(login_throttle.ACCOUNT_FREE + 2):
        _login(client, citizen.nik, WRONG, f"203.0.113.{attempt}")
    slowed = _login(client, citizen.nik, RIGHT, OWNER)  # a new browser waits a little
    assert slowed.status_code == 429
    assert 0 < int(slowed["Retry-After"]) <= login_throttle.MAX_DELAY_SECONDS
    assert _login(new_client, citizen.nik, RIGHT, OWNER).status_code == 302  # the known device does not


def test_the_account_delay_grows_but_never_becomes_a_lockout():
    now = 1_000_000.0
    for _ in range(login_throttle.ACCOUNT_FREE + 20):
        login_throttle.record_failure(account_key="siti", address="x", now=now)
    verdict = login_throttle.check(account_key="siti", address="owner", now=now)
    assert not verdict.allowed and verdict.wait_seconds <= login_throttle.MAX_DELAY_SECONDS
    later = login_throttle.check(account_key="siti", address="owner", now=now + login_throttle.MAX_DELAY_SECONDS + 1)
    assert later.allowed


def test_the_owner_is_told_once_when_the_account_sees_many_failures(client):
    citizen = make_citizen(email="siti@example.test")
    for attempt in range(login_throttle.ALERT_AT + 3):
        _login(client, citizen.nik, WRONG, f"203.0.113.{attempt}")
    told = Notification.objects.filter(user=citizen, kind="login_failures")
    assert told.count() == 1
    assert OutboxMessage.objects.filter(kind="login_failures", recipient="siti@example.test").count() == 1


def test_a_forged_or_anothers_device_cookie_is_no_known_device(client):
    citizen, other = make_citizen(), make_citizen(nik="6472015204900099", email="budi@example.test")
    assert login_throttle.device_id("forged", citizen.pk) == ""
    cookie = login_throttle.remember_device("", other.pk)
    assert login_throttle.device_id(cookie, other.pk) and login_throttle.device_id(cookie, citizen.pk) == ""
