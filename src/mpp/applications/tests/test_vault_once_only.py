"""Once only, across levels: the village's introduction letter a citizen got through MPP Digital is taken from
their vault when they apply for a police clearance certificate (SKCK), never uploaded again and never swapped
for what the browser sends; an expired, revoked or someone else's letter is not taken, and the form asks for
the document as before, saying where to get one online."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.applications import billing, services
from mpp.applications.models import Application, Status
from mpp.catalog.models import Mode, Service
from mpp.catalog.selectors import service_detail
from mpp.documents.models import VALID_DAYS, DocumentType, VaultDocument
from mpp.documents.selectors import held_issued
from mpp.documents.services import issue
from mpp.forms.prefill import prefill
from mpp.forms.validation import clean
from mpp.identity.tests.factories import UserFactory

from .conftest import BUDI_FILE_ID, BUDI_NIK, FILE_ID, PUTRI_NIK, SITI_NIK, new_key

pytestmark = pytest.mark.django_db

SKCK_LETTER = DocumentType.SURAT_PENGANTAR_SKCK
DAYS = VALID_DAYS[SKCK_LETTER]
_letters = iter(range(1, 100))


@pytest.fixture
def skck(db):
    """Kota Samarinda's SKCK, online since the region connected the Polri system."""
    service = Service.objects.get(region_id="64.72", template__slug="skck")
    service.mode = Mode.APPLICATION
    service.save(update_fields=["mode"])
    return service_detail(service.pk)


def village_letter(user, *, days_ago: float = 3) -> VaultDocument:
    """The village's SKCK introduction, approved and issued to ``user`` ``days_ago`` days ago, as the approval
    issues it: signed, recorded, in their vault."""
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="surat-pengantar-skck").pk)
    schema = service.current_version.template_version.parsed_form
    known = prefill(schema, applicant=user)
    cleaned = clean(
        schema,
        {"purpose": "Melamar pekerjaan", "truth": "on"},
        locked={name: found.value for name, found in known.items() if found.locked},
    )
    assert cleaned.is_valid, cleaned.errors
    at = timezone.now() - dt.timedelta(days=days_ago)
    application = Application.objects.create(
        tracking_number=f"6472-2611-SKCK{next(_letters):04d}",
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency=service.agency,
        applicant=user,
        data=cleaned.values,
        basis="self",
        status=Status.APPROVED,
        submitted_at=at,
        decided_at=at,
    )
    lurah = UserFactory(username=f"lurah-{application.tracking_number}", staff=True, first_name="Nurlaila")
    issued = issue(application, official=lurah, official_label="Lurah Rawa Makmur", now=at)
    return VaultDocument.objects.select_related("issued").get(issued=issued)


def answers(**changes) -> dict:
    """The SKCK form as the browser posts it, without the introduction letter."""
    return {"purpose": "Melamar pekerjaan", "pas_foto": {"source": "upload", "id": FILE_ID}, "truth": "on"} | changes


def apply(user, service, data) -> Application:
    return services.submit(applicant=user, service=service, data=data, submit_key=new_key()).application


# --- the submission, server side ---------------------------------------------------------------------------------


def test_a_valid_letter_is_taken_from_the_vault_without_the_form_posting_it(siti, skck):
    letter = village_letter(siti)

    application = apply(siti, skck, answers())

    assert application.data["surat_pengantar"] == {"source": "vault", "id": str(letter.issued.upload_id)}
    provenance = application.provenance["surat_pengantar"]
    assert provenance["source"] == "vault.surat-pengantar-skck"
    assert letter.issued.number in provenance["label"] and letter.title in provenance["label"]
    assert provenance["at"] == letter.issued.issued_at.isoformat()
    # The Polri fee is paid before the application is forwarded.
    assert application.status == Status.WAITING_PAYMENT
    assert billing.open_bill(application).amount == 30000


def test_what_the_browser_sends_instead_is_ignored(siti, skck):
    letter = village_letter(siti)

    application = apply(siti, skck, answers(surat_pengantar={"source": "upload", "id": FILE_ID}))

    assert application.data["surat_pengantar"] == {"source": "vault", "id": str(letter.issued.upload_id)}


def test_the_newest_valid_letter_is_taken(siti, skck):
    village_letter(siti, days_ago=40)
    newest = village_letter(siti, days_ago=2)

    assert apply(siti, skck, answers()).data["surat_pengantar"]["id"] == str(newest.issued.upload_id)


@pytest.mark.parametrize("days_ago", [DAYS + 1, DAYS + 200])
def test_a_letter_older_than_its_validity_is_not_taken(siti, skck, days_ago):
    village_letter(siti, days_ago=days_ago)

    with pytest.raises(services.FormInvalid) as refused:
        apply(siti, skck, answers())

    assert refused.value.errors == {"surat_pengantar": "Wajib diisi."}


def test_a_letter_just_within_its_validity_is_taken(siti, skck):
    letter = village_letter(siti, days_ago=DAYS - 1)

    assert apply(siti, skck, answers()).data["surat_pengantar"]["id"] == str(letter.issued.upload_id)


def test_a_revoked_letter_is_not_taken(siti, skck):
    letter = village_letter(siti)
    letter.issued.revoked_at = timezone.now()
    letter.issued.save(update_fields=["revoked_at"])

    with pytest.raises(services.FormInvalid) as refused:
        apply(siti, skck, answers())

    assert refused.value.errors == {"surat_pengantar": "Wajib diisi."}


def test_without_a_valid_letter_the_citizen_may_still_upload_one(siti, skck):
    village_letter(siti, days_ago=DAYS + 1)

    application = apply(siti, skck, answers(surat_pengantar={"source": "upload", "id": FILE_ID}))

    assert application.data["surat_pengantar"] == {"source": "upload", "id": FILE_ID}
    assert "surat_pengantar" not in application.provenance


def test_another_citizens_letter_is_never_taken(siti, budi, skck):
    budis = village_letter(budi)

    with pytest.raises(services.FormInvalid) as refused:
        apply(siti, skck, answers())
    assert refused.value.errors == {"surat_pengantar": "Wajib diisi."}

    # Nor can it be named: the file is Budi's.
    with pytest.raises(services.FormInvalid) as refused:
        apply(siti, skck, answers(surat_pengantar={"source": "vault", "id": str(budis.issued.upload_id)}))
    assert refused.value.errors == {"surat_pengantar": "Unggah berkasnya lagi."}

    # Budi's own application takes his.
    budi_answers = answers(pas_foto={"source": "upload", "id": BUDI_FILE_ID})
    assert apply(budi, skck, budi_answers).data["surat_pengantar"]["id"] == str(budis.issued.upload_id)


def test_a_letter_an_officer_asks_to_replace_is_the_citizens_upload_from_then_on(siti, skck):
    village_letter(siti)
    application = apply(siti, skck, answers())
    application.status, application.revision_fields = Status.REVISION, ["surat_pengantar"]
    application.save(update_fields=["status", "revision_fields"])

    revised = services.resubmit(
        application_id=application.pk, applicant=siti, data={"surat_pengantar": {"source": "upload", "id": FILE_ID}}
    )

    assert revised.data["surat_pengantar"] == {"source": "upload", "id": FILE_ID}
    assert "surat_pengantar" not in revised.provenance and "name" in revised.provenance


def test_a_letter_is_only_taken_for_the_person_it_is_about(siti):
    letter = village_letter(siti)

    assert held_issued(siti, [SKCK_LETTER], person_nik=SITI_NIK)[SKCK_LETTER].document == letter
    assert held_issued(siti, [SKCK_LETTER], person_nik=PUTRI_NIK) == {}  # her daughter's application
    assert held_issued(siti, [SKCK_LETTER], person_nik=BUDI_NIK) == {}


# --- the form, over HTTP ---------------------------------------------------------------------------------------


def apply_url(service) -> str:
    return f"/layanan/{service.id}/ajukan/"


def test_the_form_shows_the_letter_taken_and_asks_no_upload(client, siti, skck):
    letter = village_letter(siti)
    client.force_login(siti)

    html = client.get(apply_url(skck)).content.decode()

    assert f"Diambil dari brankas Anda: {letter.title} · {letter.issued.number}, terbit " in html
    assert 'name="surat_pengantar__file"' not in html and 'name="surat_pengantar__vault"' not in html
    assert 'name="pas_foto__file"' in html


def test_the_form_submits_with_the_letter_it_took(client, siti, skck):
    letter = village_letter(siti)
    client.force_login(siti)

    response = client.post(
        apply_url(skck),
        {"submit_key": "kunci-skck", "purpose": "Melamar pekerjaan", "pas_foto__id": FILE_ID, "truth": "on"},
    )

    assert response.status_code == 302
    application = Application.objects.get(service=skck)
    assert application.data["surat_pengantar"] == {"source": "vault", "id": str(letter.issued.upload_id)}


def test_without_a_valid_letter_the_form_asks_for_it_and_says_where_to_get_one_online(client, siti, skck):
    expired = village_letter(siti, days_ago=DAYS + 1)
    client.force_login(siti)

    html = client.get(apply_url(skck)).content.decode()

    assert "Diambil dari brankas Anda" not in html
    assert 'name="surat_pengantar__file"' in html
    assert expired.title in html  # still offered, for the citizen to choose, but not chosen for them
    assert f'value="{expired.issued.upload_id}" checked' not in html
    letters = Service.objects.get(region_id="64.72", template__slug="surat-pengantar-skck")
    # Siti's registry address is in 64.72.01.1001: her own village's page of the letter.
    assert f'href="/wilayah/64.72.01.1001/layanan/{letters.pk}/"' in html
    assert f"Surat yang terbit lebih dari {DAYS} hari lalu tidak diambil otomatis." in html
