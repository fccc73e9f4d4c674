"""The practice permit end to end: a nurse in Kota Samarinda applies with her STR read from SISDMK (over
HTTP, the simulator as its own process), the health office verifies, its head signs, the signed SIP
lands in her vault, /verify/<code> shows it valid — and revoked once the office revokes it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mpp.applications import services
from mpp.applications.links import file_url
from mpp.applications.models import Status
from mpp.applications.tests.conftest import make_upload, officer
from mpp.audit.models import AccessKind, DataAccess
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.core.errors import Unavailable
from mpp.documents import validation
from mpp.documents.models import DocumentType, IssuedDocument, Origin, VaultDocument
from mpp.identity.models import Role
from mpp.identity.tests.factories import make_citizen, make_person_record
from mpp.registry import sisdmk as sisdmk_client
from mpp.registry.dukcapil import Actor

pytestmark = pytest.mark.django_db

DEWI = "6472054211950001"  # perawat, valid lifelong STR, no practice place yet
JOKO = "3372013001790001"  # dokter with three practice places already
SRI = "3372015506820001"  # bidan whose STR expired
LETTER, PHOTO = "3d1f6a2e-0b4c-4e8a-9f1d-2c3b4a5d6e7f", "4e2a7b3f-1c5d-4f9b-8a2e-3d4c5b6a7f80"


def citizen(nik: str, name: str, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_person_record(
        nik, name=name, kk_number=nik[:6] + "0101200001", relationship="KEPALA KELUARGA", birth_date="1990-01-01"
    )
    user = make_citizen(nik, level=3)
    make_upload(user, LETTER if nik == DEWI else _other(LETTER, nik))
    make_upload(user, PHOTO if nik == DEWI else _other(PHOTO, nik))
    return user


def _other(pk: str, nik: str) -> str:
    return pk[:-4] + nik[-4:]


def sip_form(nik: str = DEWI, **changes) -> dict:
    return {
        "profession": "perawat",
        "application_kind": "baru",
        "practice_kind": "fasyankes",
        "facility_type": "rumah_sakit",
        "practice_name": "RSUD Abdul Wahab Sjahranie",
        "practice_address": {
            "village_code": "64.72.05.1002",
            "street": "Jl. Palang Merah Indonesia No. 1",
            "rt": "1",
            "rw": "2",
        },
        "practice_hours": "Senin–Jumat 07.30–14.00",
        "practice_letter": {"source": "upload", "id": LETTER if nik == DEWI else _other(LETTER, nik)},
        "photo": {"source": "upload", "id": PHOTO if nik == DEWI else _other(PHOTO, nik)},
        "civil_servant": "tidak",
        "compliance": "on",
        "truth": "on",
        **changes,
    }


@pytest.fixture
def sip_service(db):
    return service_detail(Service.objects.get(region_id="64.72", template__slug="sip-tenaga-kesehatan").pk)


@pytest.fixture
def dewi(sisdmk, settings, tmp_path):
    return citizen(DEWI, "DEWI LESTARI", settings, tmp_path)


@pytest.fixture
def health_officers(db):
    return (
        officer("verifikator.dinkes.samarinda", Role.VERIFIER, kind="dinkes"),
        officer("kadinkes.samarinda", Role.APPROVER, kind="dinkes"),
    )


def approve(application, verifier, head):
    application = services.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )
    return services.act(
        application_id=application.pk, officer=head, action="approve", expected_version=application.version
    )


def test_a_nurse_gets_a_signed_permit_that_anyone_can_verify_until_it_is_revoked(
    dewi, sip_service, health_officers, sisdmk
):
    verifier, head = health_officers
    submitted = services.submit(applicant=dewi, service=sip_service, data=sip_form(), submit_key="sip-1").application
    # Once-only: the STR came from SISDMK, not from her; the read is in her data-use history.
    assert submitted.data["str_number"] == "2164230990000001"
    assert submitted.provenance["str_number"]["label"].startswith("SATUSEHAT SDMK")
    assert DataAccess.objects.filter(subject_nik=DEWI, kind=AccessKind.SISDMK_READ).exists()

    approved = approve(submitted, verifier, head)
    assert approved.status == Status.APPROVED
    issued = IssuedDocument.objects.get(application=approved)
    assert issued.document_type == DocumentType.SIP and issued.holder_name == "DEWI LESTARI"
    assert issued.signed_by_demo_ca and issued.valid_until is not None
    # In her vault, as an issued document she cannot remove.
    entry = VaultDocument.objects.get(owner=dewi, issued=issued)
    assert entry.origin == Origin.ISSUED and entry.versions.get().upload == issued.upload
    # SISDMK now counts the new practice place.
    place = sisdmk_client.practice_place(issued.number, actor=Actor("test", "test"))
    assert place is not None and place.nik == DEWI and place.ended_on is None

    # The signed PDF: intact, trusted, covering the whole file — and one we issued.
    pdf = issued.upload.file.open("rb").read()
    verdict = validation.validate(pdf)
    assert verdict.is_valid and verdict.intact and verdict.trusted and verdict.covers_whole_file
    assert verdict.sha256 == issued.sha256

    page = Client().get(f"/verify/{issued.code}")
    html = page.content.decode()
    assert page.status_code == 200 and "Sah." in html and "DEWI LESTARI" in html
    assert DEWI not in html  # never the full NIK

    # Upload-a-PDF verification finds it too.
    checked = Client().post("/verify/", {"file": _file(pdf)})
    assert checked.status_code == 200 and "Sah." in checked.content.decode()

    # The health office revokes it: verification says so at once, and SISDMK ends the place.
    office = Client()
    office.force_login(head)
    response = office.post(
        f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "Tempat praktik ditutup.", "confirm": "yes"}
    )
    assert response.status_code == 302
    html = Client().get(f"/verify/{issued.code}").content.decode()
    assert "Dicabut." in html and "Tempat praktik ditutup." in html
    assert sisdmk_client.practice_place(issued.number, actor=Actor("test", "test")).ended_on is not None


def _file(pdf: bytes):
    return SimpleUploadedFile("sip.pdf", pdf, content_type="application/pdf")


def test_the_permit_file_is_for_her_and_the_health_office_only_and_each_office_view_is_logged(
    dewi, sip_service, health_officers
):
    verifier, head = health_officers
    application = services.submit(applicant=dewi, service=sip_service, data=sip_form(), submit_key="sip-2").application
    issued = IssuedDocument.objects.get(application=approve(application, verifier, head))

    for stranger in (
        officer("verifikator.dinkes.surakarta", Role.VERIFIER, region="33.72", kind="dinkes"),  # another region
        officer("verifikator.disdukcapil.samarinda", Role.VERIFIER),  # another agency
    ):
        client = Client()
        client.force_login(stranger)
        assert client.get(file_url(issued.upload_id, stranger)).status_code == 404

    owner = Client()
    owner.force_login(dewi)
    assert owner.get(file_url(issued.upload_id, dewi)).status_code == 200
    before = DataAccess.objects.filter(subject_nik=DEWI, kind=AccessKind.OFFICER_VIEW).count()
    office = Client()
    office.force_login(verifier)
    assert office.get(file_url(issued.upload_id, verifier)).status_code == 200
    assert DataAccess.objects.filter(subject_nik=DEWI, kind=AccessKind.OFFICER_VIEW).count() == before + 1


def test_only_the_issuing_agency_may_revoke(dewi, sip_service, health_officers):
    verifier, head = health_officers
    application = services.submit(applicant=dewi, service=sip_service, data=sip_form(), submit_key="sip-3").application
    issued = IssuedDocument.objects.get(application=approve(application, verifier, head))
    other = Client()
    other.force_login(officer("kadis.disdukcapil.samarinda", Role.APPROVER))
    assert other.post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert not issued.is_revoked


@pytest.mark.parametrize(
    ("nik", "name", "changes", "field"),
    [
        (JOKO, "JOKO WIDODO PRATAMA", {"profession": "dokter"}, "practice_name"),  # already three places
        (SRI, "SRI WAHYUNI", {"profession": "bidan"}, "str_number"),  # expired STR
        (DEWI, "DEWI LESTARI", {"profession": "bidan"}, "profession"),  # her STR is a nurse's
    ],
)
def test_what_sisdmk_holds_decides_who_may_apply(nik, name, changes, field, sisdmk, sip_service, settings, tmp_path):
    applicant = citizen(nik, name, settings, tmp_path)
    with pytest.raises(services.FormInvalid) as refused:
        services.submit(applicant=applicant, service=sip_service, data=sip_form(nik, **changes), submit_key="k")
    assert set(refused.value.errors) == {field}


def test_sisdmk_down_refuses_clearly_and_creates_nothing(dewi, sip_service, sisdmk):
    sisdmk.set_faults(error_rate=1.0)
    with pytest.raises(Unavailable):
        services.submit(applicant=dewi, service=sip_service, data=sip_form(), submit_key="sip-4")
    assert not IssuedDocument.objects.exists()
