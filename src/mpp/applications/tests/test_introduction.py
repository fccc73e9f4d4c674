"""A village letter asks the applicant's RT/RW head for an introduction by a one-time link, then the village's
staff checks it and the lurah signs it; each one acts on their own village only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mpp.applications import introductions, selectors, services
from mpp.applications.models import Application, Event, Introduction, Status
from mpp.catalog.models import Agency, Service
from mpp.core.errors import DomainError, NotFound
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.tests.factories import UserFactory, make_citizen, make_person_record
from mpp.notifications.models import OutboxMessage
from mpp.regions.models import Region
from mpp.villages.models import NeighbourhoodHead
from mpp.villages.services import village_agency

from .conftest import new_key

VILLAGE = "64.72.01.1001"  # the test family's kelurahan (RT 003/RW 002)
OTHER_VILLAGE = "64.72.01.1002"


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = "http://gateway.test"


@pytest.fixture
def skck_letter(db):
    return Service.objects.get(region_id="64.72", template__slug="surat-pengantar-skck")


def village_staff(username: str, role: str, village: str = VILLAGE):
    user = UserFactory(username=username, staff=True)
    region_agency = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    agency = village_agency(Region.objects.get(code=village), region_agency=region_agency)
    RoleAssignment.objects.create(user=user, role=role, region_id="64.72", agency=agency)
    return user


@pytest.fixture
def rt_head(db):
    return NeighbourhoodHead.objects.create(
        village_id=VILLAGE, kind="rt", rw="002", rt="003", name="Hasan Basri", phone="081234500003"
    )


@pytest.fixture
def rw_head(db):
    return NeighbourhoodHead.objects.create(
        village_id=VILLAGE, kind="rw", rw="002", rt="", name="Rahmat Hidayat", phone="081234500200", channel="sms"
    )


def submit(siti, service):
    data = {"purpose": "Melamar pekerjaan", "truth": "on"}
    return services.submit(applicant=siti, service=service, data=data, submit_key=new_key()).application


def link_of(introduction: Introduction) -> str:
    message = OutboxMessage.objects.get(dedup_key=f"introduction:{introduction.pk}:{'whatsapp'}")
    return message.context["url"].split("/pengantar/")[1].rstrip("/")


def test_submitting_asks_the_applicants_rt_head_by_a_one_time_link(siti, skck_letter, rt_head, rw_head, gateway):
    application = submit(siti, skck_letter)

    assert application.status == Status.WAITING_INTRODUCTION and application.paused_at is not None
    assert application.agency.village_id == VILLAGE  # the village's own government, not the city's
    introduction = Introduction.objects.get(application=application)
    assert (introduction.head, introduction.head_phone, introduction.answer) == (rt_head, "081234500003", "")
    message = OutboxMessage.objects.get(recipient="081234500003")
    assert message.channel == "whatsapp" and message.kind == "introduction_request"
    token = link_of(introduction)
    assert introduction.token_hash == introductions.token_hash(token) and token not in introduction.token_hash
    assert list(application.events.values_list("action", flat=True)) == ["submit", "introduction_asked"]


def test_the_head_confirms_in_one_tap_and_the_village_staff_take_it_from_there(
    client, siti, skck_letter, rt_head, gateway
):
    application = submit(siti, skck_letter)
    token = link_of(Introduction.objects.get(application=application))
    url = reverse("applications:introduction", args=[token])

    page = client.get(url)
    assert page.status_code == 200 and "SITI RAHMAWATI" in page.text and application.tracking_number in page.text
    done = client.post(url, {"jawaban": "setuju"})
    assert done.status_code == 200 and "tercatat" in done.text

    application.refresh_from_db()
    assert (application.status, application.step, application.step_role) == (
        Status.IN_PROGRESS,
        "verification",
        Role.VILLAGE_OFFICER,
    )
    assert application.paused_at is None and application.due_at is not None
    introduced = Event.objects.get(application=application, action="introduced")
    assert "Ketua RT 003/RW 002" in introduced.note and "0812****003" in introduced.note
    assert Introduction.objects.get(application=application).answered_at is not None
    again = client.post(url, {"jawaban": "tolak"})  # the link is spent
    assert again.status_code == 410 and "sudah dijawab" in again.text
    assert Application.objects.get(pk=application.pk).status == Status.IN_PROGRESS


def test_a_declined_introduction_is_asked_of_another_head_and_the_old_link_dies(
    client, siti, skck_letter, rt_head, rw_head, gateway
):
    application = submit(siti, skck_letter)
    first = Introduction.objects.get(application=application)
    first_token = link_of(first)
    client.post(
        reverse("applications:introduction", args=[first_token]), {"jawaban": "tolak", "alasan": "Belum pindah"}
    )
    application.refresh_from_db()
    assert application.status == Status.WAITING_INTRODUCTION
    declined = Event.objects.get(application=application, action="introduction_declined")
    assert declined.note.endswith("Alasan: Belum pindah")

    client.force_login(siti)
    page = client.get(reverse("applications:detail", args=[application.tracking_number]))
    assert "menolak memberi pengantar" in page.text and "Ketua RW 002" in page.text
    client.post(reverse("applications:introduction_again", args=[application.tracking_number]), {"head": rw_head.pk})
    second = Introduction.objects.filter(application=application).latest("sent_at")
    assert second.head == rw_head
    assert OutboxMessage.objects.filter(recipient=rw_head.phone, channel="sms").exists()
    assert client.get(reverse("applications:introduction", args=[first_token])).status_code == 410


def test_sending_again_voids_the_open_link(client, siti, skck_letter, rt_head, gateway):
    application = submit(siti, skck_letter)
    first = link_of(Introduction.objects.get(application=application))
    services.ask_introduction_again(tracking_number=application.tracking_number, applicant=siti, head_id=rt_head.pk)
    closed = client.get(reverse("applications:introduction", args=[first]))
    assert closed.status_code == 410 and "diganti" in closed.text


def test_an_expired_link_is_refused_and_changes_nothing(siti, skck_letter, rt_head, gateway):
    application = submit(siti, skck_letter)
    token = link_of(Introduction.objects.get(application=application))
    later = timezone.now() + timedelta(hours=introductions.LINK_HOURS, minutes=1)
    with pytest.raises(introductions.LinkInvalid, match="kedaluwarsa"):
        services.answer_introduction(token=token, confirm=True, now=later)
    assert Application.objects.get(pk=application.pk).status == Status.WAITING_INTRODUCTION
    with pytest.raises(introductions.LinkInvalid, match="tidak dikenal"):
        services.answer_introduction(token="not-a-token", confirm=True)


def test_requests_are_limited_and_only_to_heads_of_the_village(siti, skck_letter, rt_head, gateway):
    application = submit(siti, skck_letter)
    elsewhere = NeighbourhoodHead.objects.create(
        village_id=OTHER_VILLAGE, kind="rt", rw="001", rt="001", name="Orang Lain", phone="081299990001"
    )
    with pytest.raises(DomainError, match="Pilih ketua RT/RW"):
        services.ask_introduction_again(
            tracking_number=application.tracking_number, applicant=siti, head_id=elsewhere.pk
        )
    for _ in range(introductions.MAX_REQUESTS - 1):
        services.ask_introduction_again(tracking_number=application.tracking_number, applicant=siti, head_id=rt_head.pk)
    with pytest.raises(DomainError, match="sudah diminta"):
        services.ask_introduction_again(tracking_number=application.tracking_number, applicant=siti, head_id=rt_head.pk)


def test_no_one_else_may_ask_again_for_an_applicants_letter(client, siti, skck_letter, rt_head, gateway):
    application = submit(siti, skck_letter)
    stranger = make_citizen("6472019999990001", level=2)
    make_person_record(stranger.nik, name="ORANG LAIN", kk_number="6472019999990000", relationship="KEPALA KELUARGA",
                       birth_date="1980-01-01")  # fmt: skip
    with pytest.raises(NotFound):
        services.ask_introduction_again(
            tracking_number=application.tracking_number, applicant=stranger, head_id=rt_head.pk
        )
    client.force_login(stranger)
    response = client.post(
        reverse("applications:introduction_again", args=[application.tracking_number]), {"head": rt_head.pk}
    )
    assert response.status_code == 302
    assert Introduction.objects.filter(application=application).count() == 1


def test_without_a_listed_head_the_citizen_is_asked_to_name_one(client, siti, skck_letter, gateway):
    application = submit(siti, skck_letter)
    assert not Introduction.objects.filter(application=application).exists()
    client.force_login(siti)
    page = client.get(reverse("applications:detail", args=[application.tracking_number]))
    assert "belum mengisi daftar ketua RT/RW" in page.text


def test_a_letter_is_asked_of_the_village_where_the_applicant_is_registered(db, skck_letter, gateway):
    outsider = make_citizen("3372015204900001", level=2)
    make_person_record(
        outsider.nik,
        name="JOKO",
        kk_number="3372010101000001",
        relationship="KEPALA KELUARGA",
        birth_date="1979-01-30",
        address={"village_code": "33.72.01.1001", "rt": "001", "rw": "001"},
    )
    with pytest.raises(DomainError, match="tempat Anda terdaftar"):
        submit(outsider, skck_letter)


def test_only_the_villages_own_staff_check_and_sign_it(siti, skck_letter, rt_head, gateway):
    application = submit(siti, skck_letter)
    services.answer_introduction(token=link_of(Introduction.objects.get(application=application)), confirm=True)
    officer = village_staff("petugas.sidodadi", Role.VILLAGE_OFFICER)
    head = village_staff("lurah.sidodadi", Role.VILLAGE_HEAD)
    neighbour = village_staff("petugas.tetangga", Role.VILLAGE_OFFICER, village=OTHER_VILLAGE)
    city_verifier = UserFactory(username="verifikator.kota", staff=True)
    RoleAssignment.objects.create(
        user=city_verifier,
        role=Role.VERIFIER,
        region_id="64.72",
        agency=Agency.objects.get(region_id="64.72", kind__code="disdukcapil"),
    )

    assert [row.pk for row in selectors.worklist(officer)] == [application.pk]
    for outsider in (neighbour, city_verifier):
        assert not selectors.worklist(outsider).filter(pk=application.pk).exists()
        assert selectors.application_for_officer(outsider, application.pk) is None
        with pytest.raises(NotFound):
            services.act(application_id=application.pk, officer=outsider, action="accept", expected_version=2)
    with pytest.raises(DomainError, match="bukan tugas peran Anda"):
        services.act(application_id=application.pk, officer=head, action="accept", expected_version=2)
    accepted = services.act(application_id=application.pk, officer=officer, action="accept", expected_version=2)
    assert (accepted.step, accepted.step_role) == ("signature", Role.VILLAGE_HEAD)


def test_a_village_role_belongs_to_a_villages_government_only(db):
    user = UserFactory(username="salah.tempat", staff=True)
    city = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.VILLAGE_HEAD, agency=city).full_clean()
    region_agency = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    village = village_agency(Region.objects.get(code=VILLAGE), region_agency=region_agency)
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.VERIFIER, agency=village).full_clean()
    RoleAssignment(user=user, role=Role.VILLAGE_HEAD, agency=village).full_clean()


def test_a_villages_own_fee_is_billed_after_the_introduction(siti, skck_letter, rt_head, gateway):
    from mpp.payments.models import Bill
    from mpp.villages.services import change_office

    change_office(village=Region.objects.get(code=VILLAGE), by=None, fees={"surat-pengantar-skck": 10000})
    application = submit(siti, skck_letter)
    services.answer_introduction(token=link_of(Introduction.objects.get(application=application)), confirm=True)
    application.refresh_from_db()
    assert application.status == Status.WAITING_PAYMENT
    assert Bill.objects.get(application=application).amount == 10000
