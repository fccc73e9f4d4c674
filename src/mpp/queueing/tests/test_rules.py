"""The manager's rules: capacities, day changes, the policy and the board's announcement, each checked."""

import datetime as dt

import pytest

from mpp.catalog.models import Service
from mpp.core.errors import DomainError, NotFound
from mpp.queueing import board, rules, services
from mpp.queueing.models import Capacity, DayChange
from mpp.queueing.slots import hours_on

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY.date() + dt.timedelta(days=1)


# --- capacities -----------------------------------------------------------------------------------------------


def test_manager_sets_and_changes_a_capacity(mpp, birth_service, samarinda_manager):
    rules.set_capacity(mpp=mpp, service=birth_service, per_slot=3, by=samarinda_manager)
    rules.set_capacity(mpp=mpp, service=birth_service, per_slot=5, by=samarinda_manager)
    assert Capacity.objects.get(mpp=mpp, service=birth_service).per_slot == 5


@pytest.mark.parametrize("per_slot", [-1, rules.MAX_PER_SLOT + 1])
def test_capacity_out_of_range_is_refused(mpp, birth_service, samarinda_manager, per_slot):
    with pytest.raises(DomainError, match="antara 0 dan"):
        rules.set_capacity(mpp=mpp, service=birth_service, per_slot=per_slot, by=samarinda_manager)
    assert not Capacity.objects.exists()


def test_capacity_of_a_service_the_mpp_does_not_offer_is_not_found(mpp, samarinda_manager):
    elsewhere = Service.objects.filter(region_id="33.72").first()
    with pytest.raises(NotFound):
        rules.set_capacity(mpp=mpp, service=elsewhere, per_slot=2, by=samarinda_manager)


def test_another_regions_manager_changes_nothing(mpp, birth_service, surakarta_manager, counter_officer):
    for someone in (surakarta_manager, counter_officer):
        with pytest.raises(NotFound):
            rules.set_capacity(mpp=mpp, service=birth_service, per_slot=2, by=someone)
        with pytest.raises(NotFound):
            rules.set_announcement(mpp=mpp, text="Hai", by=someone)
        with pytest.raises(NotFound):
            rules.set_policy(mpp=mpp, by=someone, booking_days=7)
        with pytest.raises(NotFound):
            rules.change_day(mpp=mpp, day=TUESDAY, opens=None, closes=None, reason="x", by=someone, now=MONDAY)


# --- days -----------------------------------------------------------------------------------------------------


def test_manager_closes_a_day_with_its_reason(mpp, samarinda_manager):
    rules.change_day(
        mpp=mpp, day=TUESDAY, opens=None, closes=None, reason="Pemadaman listrik", by=samarinda_manager, now=MONDAY
    )
    hours = hours_on(mpp, TUESDAY)
    assert not hours.is_open and hours.reason == "Pemadaman listrik"


def test_manager_changes_a_days_hours_and_changes_them_again(mpp, samarinda_manager):
    for closes in (dt.time(12, 0), dt.time(13, 0)):
        rules.change_day(
            mpp=mpp, day=TUESDAY, opens=dt.time(8), closes=closes, reason="Rapat", by=samarinda_manager, now=MONDAY
        )
    hours = hours_on(mpp, TUESDAY)
    assert (hours.opens, hours.closes, hours.reason) == (dt.time(8), dt.time(13), "Rapat")
    assert DayChange.objects.count() == 1


def test_today_may_be_closed(mpp, samarinda_manager):
    rules.change_day(
        mpp=mpp, day=MONDAY.date(), opens=None, closes=None, reason="Banjir", by=samarinda_manager, now=MONDAY
    )
    assert not hours_on(mpp, MONDAY.date()).is_open


@pytest.mark.parametrize(
    "day, opens, closes, reason, message",
    [
        (MONDAY.date() - dt.timedelta(days=1), None, None, "Banjir", "sudah lewat"),
        (MONDAY.date() + dt.timedelta(days=400), None, None, "Banjir", "satu tahun"),
        (TUESDAY, dt.time(8), None, "Rapat", "kosongkan keduanya"),
        (TUESDAY, None, dt.time(12), "Rapat", "kosongkan keduanya"),
        (TUESDAY, dt.time(12), dt.time(8), "Rapat", "sesudah jam buka"),
        (TUESDAY, dt.time(12), dt.time(12), "Rapat", "sesudah jam buka"),
        (TUESDAY, None, None, "   ", "alasannya"),
        (TUESDAY, None, None, "x" * 201, "200 karakter"),
    ],
)
def test_bad_day_changes_are_refused(mpp, samarinda_manager, day, opens, closes, reason, message):
    with pytest.raises(DomainError, match=message):
        rules.change_day(mpp=mpp, day=day, opens=opens, closes=closes, reason=reason, by=samarinda_manager, now=MONDAY)
    assert not DayChange.objects.exists()


def test_restoring_a_day_brings_back_the_usual_hours(mpp, samarinda_manager):
    rules.change_day(mpp=mpp, day=TUESDAY, opens=None, closes=None, reason="Banjir", by=samarinda_manager, now=MONDAY)
    rules.restore_day(mpp=mpp, day=TUESDAY, by=samarinda_manager, now=MONDAY)
    assert hours_on(mpp, TUESDAY).is_open
    with pytest.raises(NotFound):
        rules.restore_day(mpp=mpp, day=TUESDAY, by=samarinda_manager, now=MONDAY)


def test_a_past_day_is_not_restored(mpp, samarinda_manager):
    DayChange.objects.create(
        mpp=mpp, day=MONDAY.date() - dt.timedelta(days=3), reason="Banjir", changed_by=samarinda_manager
    )
    with pytest.raises(DomainError, match="sudah lewat"):
        rules.restore_day(mpp=mpp, day=MONDAY.date() - dt.timedelta(days=3), by=samarinda_manager, now=MONDAY)


# --- policy ---------------------------------------------------------------------------------------------------


def test_manager_sets_the_policy(mpp, samarinda_manager):
    rules.set_policy(mpp=mpp, by=samarinda_manager, slot_minutes=20, booking_days=7, no_show_block_days=0)
    policy = services.policy_of(mpp)
    assert (policy.slot_minutes, policy.booking_days, policy.no_show_block_days) == (20, 7, 0)
    assert policy.max_future_bookings == 2  # untouched


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"slot_minutes": 5}, "antara 10 dan 240"),
        ({"booking_days": 0}, "antara 1 dan 90"),
        ({"max_future_bookings": 11}, "antara 1 dan 10"),
        ({"check_in_late_minutes": -1}, "antara 0 dan 120"),
        ({"announcement": "x"}, "tidak dikenal"),
    ],
)
def test_bad_policy_is_refused(mpp, samarinda_manager, fields, message):
    with pytest.raises(DomainError, match=message):
        rules.set_policy(mpp=mpp, by=samarinda_manager, **fields)
    assert services.policy_of(mpp).slot_minutes == 30


# --- announcement ---------------------------------------------------------------------------------------------


def test_announcement_reaches_the_board_at_once(mpp, samarinda_manager, django_capture_on_commit_callbacks):
    assert board.snapshot(mpp).board["announcement"] == ""  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        rules.set_announcement(mpp=mpp, text="  Loket 4 tutup\n pukul 12.00  ", by=samarinda_manager)
    assert board.snapshot(mpp).board["announcement"] == "Loket 4 tutup pukul 12.00"


def test_announcement_can_be_removed(mpp, samarinda_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rules.set_announcement(mpp=mpp, text="Hai", by=samarinda_manager)
        rules.set_announcement(mpp=mpp, text="", by=samarinda_manager)
    assert board.snapshot(mpp).board["announcement"] == ""


def test_too_long_announcement_is_refused(mpp, samarinda_manager):
    with pytest.raises(DomainError, match="200 karakter"):
        rules.set_announcement(mpp=mpp, text="x" * 201, by=samarinda_manager)
    assert services.policy_of(mpp).announcement == ""
