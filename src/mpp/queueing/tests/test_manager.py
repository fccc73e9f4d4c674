"""The MPP manager's queue page: today's line, the day's figures and chart, and the rules kept through its forms;
the page and its actions exist for the managers of the MPP's region only (the ministry reads)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mpp.catalog.models import Mpp
from mpp.queueing import board, figures, services
from mpp.queueing.line import today_at
from mpp.queueing.models import Capacity, DayChange

pytestmark = pytest.mark.django_db


def page_url(mpp):
    return reverse("queueing:manager_mpp", args=[mpp.pk])


def act_url(mpp, action):
    return reverse("queueing:manager_act", args=[mpp.pk, action])


@pytest.fixture
def manager_client(client, samarinda_manager):
    client.force_login(samarinda_manager)
    return client


def today(mpp):
    return today_at(mpp, timezone.now())


# --- who sees it ----------------------------------------------------------------------------------------------


def test_manager_of_one_mpp_goes_straight_to_it(manager_client, mpp):
    answer = manager_client.get(reverse("queueing:manager"))
    assert answer.status_code == 302 and answer["Location"] == page_url(mpp)


def test_anonymous_visitor_is_asked_to_sign_in(client, mpp):
    answer = client.get(page_url(mpp))
    assert answer.status_code == 302 and reverse("identity:login") in answer["Location"]


@pytest.mark.parametrize("persona", ["siti", "counter_officer", "surakarta_manager"])
def test_others_get_404_on_the_page_and_its_actions(client, mpp, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(mpp)).status_code == 404
    assert client.post(act_url(mpp, "pengumuman"), {"text": "Hai"}).status_code == 404
    assert client.post(act_url(mpp, "ubah-hari"), {"day": "2099-01-01", "reason": "x"}).status_code == 404
    assert services.policy_of(mpp).announcement == ""


@pytest.mark.parametrize("persona", ["siti", "counter_officer"])
def test_non_managers_get_404_on_the_list(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("queueing:manager")).status_code == 404


def test_other_regions_manager_is_sent_to_their_own_mpp(client, surakarta_manager):
    client.force_login(surakarta_manager)
    surakarta = Mpp.objects.get(region_id="33.72")
    assert client.get(reverse("queueing:manager"))["Location"] == page_url(surakarta)


def test_ministry_reads_every_mpp_without_forms(client, ministry, mpp):
    client.force_login(ministry)
    listing = client.get(reverse("queueing:manager")).content.decode()
    assert page_url(mpp) in listing and page_url(Mpp.objects.get(region_id="33.72")) in listing
    page = client.get(page_url(mpp))
    assert page.status_code == 200 and "Hanya baca" in page.content.decode()
    assert 'method="post"' not in page.content.decode().split("<main", 1)[1]
    assert client.post(act_url(mpp, "pengumuman"), {"text": "Hai"}).status_code == 404


def test_unknown_action_is_404(manager_client, mpp):
    assert manager_client.post(act_url(mpp, "hapus-semua")).status_code == 404


def test_actions_are_post_only(manager_client, mpp):
    assert manager_client.get(act_url(mpp, "pengumuman")).status_code == 405


# --- what it shows --------------------------------------------------------------------------------------------


def test_page_shows_the_line_figures_and_chart(manager_client, mpp, dukcapil, counter_1, counter_officer):
    for _ in range(3):
        services.issue_ticket(mpp=mpp, agency=dukcapil)
    called = services.call_next(counter=counter_1, officer=counter_officer)
    services.finish(ticket_id=called.pk, counter=counter_1, officer=counter_officer)
    figures.recount(mpp.pk, today(mpp))
    answer = manager_client.get(page_url(mpp))
    page = answer.content.decode()
    assert answer.status_code == 200
    row = page.split("Antrean sekarang", 1)[1].split("</tr>")[1]
    assert "Disdukcapil" in row and "<td>2</td><td>0</td><td>1</td>" in row  # waiting, being served, done
    cards = page.split("Angka hari ini", 1)[1]
    assert '<p class="figure-value">3</p>' in cards and '<p class="figure-value">1</p>' in cards
    assert 'role="img"' in page and "Tiket per jam" in page  # the chart, named
    hour = timezone.localtime(called.in_line_since, timezone.get_fixed_timezone(8 * 60)).hour
    assert f'<th scope="row">{hour:02d}.00</th><td>3</td>' in page  # and its table


def test_page_without_tickets_says_so(manager_client, mpp):
    page = manager_client.get(page_url(mpp)).content.decode()
    assert "Belum ada tiket hari ini." in page and 'role="img"' not in page


def test_page_queries_stay_constant(manager_client, mpp, dukcapil, samarinda_manager, django_assert_max_num_queries):
    manager_client.get(page_url(mpp))  # the policy and the session are made once
    with django_assert_max_num_queries(20) as few:
        manager_client.get(page_url(mpp))
    for _ in range(15):
        services.issue_ticket(mpp=mpp, agency=dukcapil)
    for days in range(1, 11):
        DayChange.objects.create(
            mpp=mpp, day=today(mpp) + dt.timedelta(days=days), reason="x", changed_by=samarinda_manager
        )
    figures.recount(mpp.pk, today(mpp))
    with django_assert_max_num_queries(len(few.captured_queries)):
        manager_client.get(page_url(mpp))


# --- capacities -----------------------------------------------------------------------------------------------


def capacity_field(service):
    return f"layanan_{service.pk.hex}"


def capacity_post(manager_client, mpp, **values):
    page = manager_client.get(page_url(mpp)).context["capacity_form"]
    data = {name: field.initial for name, field in page.fields.items()} | values
    return manager_client.post(act_url(mpp, "kuota"), data)


def test_manager_sets_capacities(manager_client, mpp, birth_service):
    answer = capacity_post(manager_client, mpp, **{capacity_field(birth_service): 4})
    assert answer.status_code == 302 and answer["Location"] == page_url(mpp)
    assert Capacity.objects.get(mpp=mpp, service=birth_service).per_slot == 4
    assert Capacity.objects.count() == 1  # unchanged services get no row
    assert "1 layanan diubah" in manager_client.get(page_url(mpp)).content.decode()


@pytest.mark.parametrize("value", ["-1", "999", "banyak", ""])
def test_bad_capacity_comes_back_by_its_field(manager_client, mpp, birth_service, value):
    answer = capacity_post(manager_client, mpp, **{capacity_field(birth_service): value})
    page = answer.content.decode()
    assert answer.status_code == 400 and f'id="id_{capacity_field(birth_service)}_error"' in page
    assert not Capacity.objects.exists()


# --- days -----------------------------------------------------------------------------------------------------


def test_manager_closes_a_day(manager_client, mpp):
    day = today(mpp) + dt.timedelta(days=3)
    answer = manager_client.post(act_url(mpp, "ubah-hari"), {"day": day.isoformat(), "reason": "Pemadaman listrik"})
    assert answer.status_code == 302
    change = DayChange.objects.get(mpp=mpp, day=day)
    assert change.is_closed and change.reason == "Pemadaman listrik"
    page = manager_client.get(page_url(mpp)).content.decode()
    assert "MPP tutup pada" in page and "Pemadaman listrik" in page


def test_manager_changes_a_days_hours_then_restores_it(manager_client, mpp):
    day = today(mpp) + dt.timedelta(days=3)
    manager_client.post(
        act_url(mpp, "ubah-hari"), {"day": day.isoformat(), "opens": "09:00", "closes": "12:00", "reason": "Rapat"}
    )
    change = DayChange.objects.get(mpp=mpp, day=day)
    assert (change.opens, change.closes) == (dt.time(9), dt.time(12))
    answer = manager_client.post(act_url(mpp, "pulihkan-hari"), {"day": day.isoformat()})
    assert answer.status_code == 302 and not DayChange.objects.exists()


def test_restoring_a_day_that_was_not_changed_is_404(manager_client, mpp):
    day = today(mpp) + dt.timedelta(days=3)
    assert manager_client.post(act_url(mpp, "pulihkan-hari"), {"day": day.isoformat()}).status_code == 404


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"day": "past", "reason": "Banjir"}, "day", "sudah lewat"),
        ({"day": "+3", "opens": "09:00", "reason": "Rapat"}, "closes", "kosongkan keduanya"),
        ({"day": "+3", "opens": "13:00", "closes": "09:00", "reason": "Rapat"}, "closes", "sesudah jam buka"),
        ({"day": "+3", "reason": ""}, "reason", "alasannya"),
        ({"day": "", "reason": "Rapat"}, "day", ""),
        ({"day": "+3", "opens": "pagi", "closes": "12:00", "reason": "Rapat"}, "opens", ""),
    ],
)
def test_bad_day_change_comes_back_by_its_field(manager_client, mpp, data, field, message):
    days = {"past": -1, "+3": 3}
    if data["day"] in days:
        data = data | {"day": (today(mpp) + dt.timedelta(days=days[data["day"]])).isoformat()}
    answer = manager_client.post(act_url(mpp, "ubah-hari"), data)
    page = answer.content.decode()
    assert answer.status_code == 400 and f'id="id_{field}_error"' in page and message in page
    assert f'value="{data["reason"]}"' in page or not data["reason"]  # what was typed stays
    assert not DayChange.objects.exists()


# --- policy and announcement ----------------------------------------------------------------------------------


POLICY = {
    "slot_minutes": "20",
    "booking_days": "7",
    "max_future_bookings": "3",
    "no_show_limit": "2",
    "no_show_window_days": "60",
    "no_show_block_days": "30",
    "check_in_early_minutes": "30",
    "check_in_late_minutes": "15",
}


def test_manager_sets_the_policy(manager_client, mpp):
    answer = manager_client.post(act_url(mpp, "aturan"), POLICY)
    assert answer.status_code == 302
    policy = services.policy_of(mpp)
    assert (policy.slot_minutes, policy.booking_days, policy.max_future_bookings) == (20, 7, 3)


def test_bad_policy_comes_back_by_its_field(manager_client, mpp):
    answer = manager_client.post(act_url(mpp, "aturan"), POLICY | {"slot_minutes": "5"})
    assert answer.status_code == 400 and 'id="id_slot_minutes_error"' in answer.content.decode()
    assert services.policy_of(mpp).slot_minutes == 30


def test_announcement_reaches_the_board(manager_client, mpp, django_capture_on_commit_callbacks):
    board.snapshot(mpp)  # a board is showing the old snapshot
    with django_capture_on_commit_callbacks(execute=True):
        answer = manager_client.post(act_url(mpp, "pengumuman"), {"text": "Loket 4 tutup pukul 12.00"})
    assert answer.status_code == 302
    assert board.snapshot(mpp).board["announcement"] == "Loket 4 tutup pukul 12.00"


def test_too_long_announcement_comes_back(manager_client, mpp):
    answer = manager_client.post(act_url(mpp, "pengumuman"), {"text": "x" * 201})
    assert answer.status_code == 400 and 'id="id_text_error"' in answer.content.decode()
    assert services.policy_of(mpp).announcement == ""
