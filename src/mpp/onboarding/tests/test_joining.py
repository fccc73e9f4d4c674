"""A kabupaten/kota joins: request → designation → agreement (signed twice) → access, through the pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mpp.catalog.models import Service, ServiceTemplate
from mpp.documents import validation
from mpp.identity.models import Role, RoleAssignment, User
from mpp.identity.tests.factories import make_citizen, make_staff
from mpp.notifications.models import OutboxMessage
from mpp.onboarding import selectors, services
from mpp.onboarding.models import JoinRequest, Participation, Stage
from mpp.onboarding.readiness import CRITERION_CODES
from mpp.regions.models import Region

pytestmark = pytest.mark.django_db

KUKAR = "64.02"  # Kabupaten Kutai Kartanegara: not a pilot
LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def letter(content: bytes = LETTER, name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_data(**overrides) -> dict:
    templates = ServiceTemplate.objects.filter(slug__in=["akta-kelahiran", "kartu-keluarga"])
    data = {
        "region_code": KUKAR,
        "applicant_name": "Drs. Edi Damansyah",
        "applicant_position": "Bupati Kutai Kartanegara",
        "letter": letter(),
        "contact_email": "dpmptsp@kukar.example.test",
        "contact_phone": "0541 661234",
        "bandwidth_mbps": "100",
        "counters": "24",
        "officers_trained": "30",
        "has_dukcapil_agreement": "yes",
        "first_services": [str(template.pk) for template in templates],
        "manager_name": "Rina Kusuma",
        "manager_position": "Kepala Bidang Pelayanan DPMPTSP",
        "manager_email": "pengelola@kukar.example.test",
    }
    return data | overrides


def checklist_data(version: int, **overrides) -> dict:
    data = {"version": version, "decree_number": "B/123/DP.00.00/2026", "decree_date": "2026-12-01"}
    for code in CRITERION_CODES:
        data[f"score_{code}"] = "met"
        data[f"note_{code}"] = ""
    return data | overrides


def sent_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=address).order_by("created_at", "id"))


def link_in(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+", message.context["url"]).group(0).split("8000", 1)[-1]


@pytest.fixture
def applied(client) -> JoinRequest:
    response = client.post(reverse("onboarding:request"), request_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    return JoinRequest.objects.get(region_id=KUKAR)


def test_a_region_asks_to_join_and_its_contact_gets_a_tracking_link(client, applied):
    assert applied.stage == Stage.REQUESTED and applied.version == 1
    assert selectors.participation_of(KUKAR).stage == Stage.REQUESTED
    assert applied.letter.content_type == "application/pdf" and applied.letter.owner is None
    (message,) = sent_to("dpmptsp@kukar.example.test")
    assert message.kind == "join_received"
    tracking = reverse("onboarding:track", kwargs={"token": applied.tracking_token})
    assert message.context["url"].endswith(tracking)
    page = client.get(tracking)
    assert page.status_code == 200 and "Permohonan diajukan" in page.content.decode()


def test_the_whole_way_from_request_to_an_active_region(client, applied, ministry, settings):
    # The ministry returns the request for more information: the clock pauses.
    client.force_login(ministry)
    act = lambda action, data: client.post(reverse("onboarding:act", args=[applied.pk, action]), data)  # noqa: E731
    assert act("return", {"return-version": 1, "return-note": "Lampirkan SK tim pengelola."}).status_code == 302
    applied.refresh_from_db()
    assert applied.stage == Stage.RETURNED and applied.paused_at is not None
    assert sent_to("dpmptsp@kukar.example.test")[-1].kind == "join_returned"

    # The region completes it through its tracking link.
    client.logout()
    tracking = reverse("onboarding:track", kwargs={"token": applied.tracking_token})
    data = request_data(letter=letter(name="surat-lengkap.pdf"), version=2)
    del data["region_code"]
    assert client.post(tracking, data).status_code == 302
    applied.refresh_from_db()
    assert (
        applied.stage == Stage.REQUESTED
        and applied.paused_at is None
        and applied.letter.original_name == "surat-lengkap.pdf"
    )

    # The ministry designates it with the scored checklist: the agreement is rendered, the official invited.
    client.force_login(ministry)
    assert act("designate", checklist_data(3)).status_code == 302
    applied.refresh_from_db()
    assert applied.stage == Stage.DESIGNATED and applied.checklist["security"]["score"] == "met"
    agreement = applied.agreement
    assert agreement.file is not None and agreement.issued is None
    invitation = sent_to("dpmptsp@kukar.example.test")[-2]
    assert invitation.kind == "staff_invitation"
    official = User.objects.get(email="dpmptsp@kukar.example.test")
    assert RoleAssignment.objects.filter(user=official, role=Role.REGION_SIGNATORY, region_id=KUKAR).exists()

    # The official activates the account through the one-time link and signs for the region.
    client.logout()
    activation = link_in(invitation)
    form_page = client.get(activation, follow=True)
    set_password = form_page.redirect_chain[-1][0] if form_page.redirect_chain else activation
    password = "kukar-ttd-2026-aman"
    assert client.post(set_password, {"new_password1": password, "new_password2": password}).status_code == 302
    official.refresh_from_db()
    assert official.has_usable_password() and official.email_verified_at is not None
    assert client.get(activation).status_code in (200, 302)  # the link is spent: it shows "no longer valid"
    assert client.login(username=official.username, password=password)
    signing_page = reverse("onboarding:region_agreement", args=[applied.pk])
    assert client.post(signing_page, {"version": 4}).status_code == 302
    applied.refresh_from_db()
    assert applied.stage == Stage.REGION_SIGNED

    # The ministry countersigns: the agreement verifies with two signatures, the region is active.
    client.force_login(ministry)
    assert act("sign_ministry", {"sign-version": 5}).status_code == 302
    applied.refresh_from_db()
    agreement.refresh_from_db()
    assert applied.stage == Stage.ACTIVE
    with agreement.file.file.open("rb") as handle:
        verdict = validation.validate(handle.read())
    assert verdict.is_valid and len(verdict.signatures) == 2
    assert "Pemerintah Kabupaten Kutai Kartanegara" in verdict.signatures[0].label
    assert "Kementerian PANRB" in verdict.signatures[1].label
    assert client.get(reverse("documents:verify", args=[agreement.code])).status_code == 200
    participation = Participation.objects.get(region_id=KUKAR)
    assert participation.stage == Stage.ACTIVE and participation.active_since is not None
    assert set(Service.objects.filter(region_id=KUKAR).values_list("template__slug", flat=True)) == {
        "akta-kelahiran",
        "kartu-keluarga",
    }
    manager = User.objects.get(email="pengelola@kukar.example.test")
    assert RoleAssignment.objects.filter(user=manager, role=Role.MPP_MANAGER, region_id=KUKAR).exists()
    assert sent_to("pengelola@kukar.example.test")[-1].kind == "staff_invitation"
    region_page = client.get(reverse("portal:region", args=[KUKAR])).content.decode()
    assert "MPP Digital aktif sejak" in region_page


def test_the_public_list_shows_each_region_with_its_stage_and_the_counts(client, applied):
    response = client.get(reverse("onboarding:public_list"), {"provinsi": "64", "tahap": "requested"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten Kutai Kartanegara" in page and "Kota Samarinda" not in page
    counts = selectors.stage_counts("64")
    assert counts[Stage.REQUESTED] == 1 and counts[Stage.ACTIVE] == 1  # Samarinda is a pilot
    assert sum(selectors.stage_counts().values()) == 514


def test_the_pilots_are_active_since_20_june_2023_with_their_agreement_on_record():
    pilots = Participation.objects.filter(stage=Stage.ACTIVE, region__is_pilot=True)
    assert pilots.count() == 21
    samarinda = pilots.get(region_id="64.72")
    assert str(samarinda.active_since) == "2023-06-20"
    assert samarinda.request.agreement.number.endswith("/PKS-MPPD/64.72/2023")


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("region_code", "64", "bukan kode kabupaten/kota"),
        ("region_code", "99.99", "bukan kode kabupaten/kota"),
        ("counters", "-3", "lebih besar dari atau sama dengan 0"),
        ("bandwidth_mbps", "banyak", "Masukkan keseluruhan angka bilangan"),
        ("contact_email", "bukan-surel", "alamat email yang valid"),
    ],
)
def test_bad_input_gets_a_field_level_error_and_stores_nothing(client, field, value, message):
    response = client.post(reverse("onboarding:request"), request_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not JoinRequest.objects.filter(region_id=KUKAR).exists()


def test_a_letter_that_is_not_a_pdf_is_refused_at_its_field(client):
    png = SimpleUploadedFile("surat.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    response = client.post(reverse("onboarding:request"), request_data(letter=png))
    assert response.status_code == 400 and not JoinRequest.objects.filter(region_id=KUKAR).exists()


def test_a_region_cannot_ask_twice_nor_a_pilot_at_all(client, applied):
    again = client.post(reverse("onboarding:request"), request_data(letter=letter()))
    assert again.status_code == 400 and "sudah pada tahap" in again.content.decode()
    pilot = client.post(reverse("onboarding:request"), request_data(region_code="64.72", letter=letter()))
    assert pilot.status_code == 400 and "MPP Digital aktif" in pilot.content.decode()


def test_designating_needs_every_criterion_scored(client, applied, ministry):
    client.force_login(ministry)
    data = checklist_data(1, score_security="")
    response = client.post(reverse("onboarding:act", args=[applied.pk, "designate"]), data)
    assert response.status_code == 400
    applied.refresh_from_db()
    assert applied.stage == Stage.REQUESTED


def test_a_stale_page_cannot_act_twice(client, applied, ministry):
    client.force_login(ministry)
    url = reverse("onboarding:act", args=[applied.pk, "refuse"])
    assert client.post(url, {"refuse-version": 1, "refuse-note": "Belum siap."}).status_code == 302
    assert client.post(url, {"refuse-version": 1, "refuse-note": "Lagi."}).status_code == 409


# --- who may do what -----------------------------------------------------------------------------


def test_only_the_ministry_sees_the_queue_and_acts(client, applied, samarinda_manager):
    queue, review = reverse("onboarding:queue"), reverse("onboarding:review", args=[applied.pk])
    assert client.get(queue).status_code == 302  # anonymous: to the login page
    client.force_login(make_citizen())
    assert client.get(queue).status_code == 404 and client.get(review).status_code == 404
    client.force_login(samarinda_manager)
    assert client.get(queue).status_code == 404
    refused = client.post(
        reverse("onboarding:act", args=[applied.pk, "refuse"]), {"refuse-version": 1, "refuse-note": "x"}
    )
    assert refused.status_code == 404
    applied.refresh_from_db()
    assert applied.stage == Stage.REQUESTED


def test_only_the_regions_own_signatory_signs_for_it(client, applied, ministry):
    services.designate(
        request_id=applied.pk,
        by=ministry,
        checklist={code: {"score": "met", "note": ""} for code in CRITERION_CODES},
        decree_number="B/1/2026",
        decree_date=applied.submitted_at.date(),
        expected_version=1,
    )
    other = make_staff("pejabat.samarinda", Role.REGION_SIGNATORY, "64.72")
    client.force_login(other)
    page = reverse("onboarding:region_agreement", args=[applied.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"version": 2}).status_code == 404
    assert client.get(reverse("onboarding:document", args=[applied.pk, "perjanjian"])).status_code == 404
    # Nor may the ministry sign for the region, through the service itself.
    with pytest.raises(Exception, match="tidak ditemukan"):
        services.sign_for_region(request_id=applied.pk, by=ministry, expected_version=2)


def test_a_wrong_tracking_token_finds_nothing(client, applied):
    assert client.get(reverse("onboarding:track", kwargs={"token": "x" * 32})).status_code == 404


# --- the manager's page --------------------------------------------------------------------------


def test_a_manager_of_an_active_region_adopts_a_national_template(client):
    berau = "64.03"  # Kabupaten Berau, put on record as active (as the pilots are), without services yet
    services.record_pilot(region=Region.objects.get(code=berau), agreement_number="01/PKS/X", decree_number="B/1")
    client.force_login(make_staff("pengelola.berau", Role.MPP_MANAGER, berau))
    page = client.get(reverse("onboarding:manager"))
    assert page.status_code == 200 and "MPP Digital aktif sejak 20 Juni 2023" in page.content.decode()
    template = selectors.adoptable_templates(berau).first()
    assert template is not None
    assert client.post(reverse("onboarding:manager"), {"template": template.slug}).status_code == 302
    assert Service.objects.filter(region_id=berau, template=template).exists()
    assert not selectors.adoptable_templates(berau).filter(pk=template.pk).exists()


def test_a_manager_adopts_nothing_before_the_region_is_active(client, applied):
    manager = make_staff("pengelola.kukar", Role.MPP_MANAGER, KUKAR)
    client.force_login(manager)
    template = selectors.adoptable_templates(KUKAR).first()
    response = client.post(reverse("onboarding:manager"), {"template": template.slug}, follow=True)
    assert "setelah MPP Digital daerah ini aktif" in response.content.decode()
    assert not Service.objects.filter(region_id=KUKAR).exists()


def test_only_managers_have_a_managers_page(client, ministry):
    assert client.get(reverse("onboarding:manager")).status_code == 302
    client.force_login(make_citizen())
    assert client.get(reverse("onboarding:manager")).status_code == 404
    client.force_login(make_staff("pejabat.x", Role.REGION_SIGNATORY, KUKAR))
    assert client.get(reverse("onboarding:manager")).status_code == 404
