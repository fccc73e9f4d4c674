"""The citizen's pages over HTTP: apply with a prefilled form and a real upload, follow it, answer a revision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.applications import services
from mpp.applications.models import Application, Status
from mpp.files.models import Upload

from .conftest import FILE_ID, KK, PDF, birth_form, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, siti):
    client.force_login(siti)
    return client


def apply_url(service) -> str:
    return f"/layanan/{service.id}/ajukan/"


def posted(**changes) -> dict:
    data = {
        "submit_key": "kunci-1",
        "child_name": "Ayu Lestari Santoso",
        "child_sex": "PEREMPUAN",
        "birth_date": "2026-11-20",
        "birth_place": "Samarinda",
        "birth_order": "2",
        "birth_attendant": "bidan",
        "has_birth_letter": "ya",
        "birth_letter__file": SimpleUploadedFile("Surat Lahir (RS).pdf", PDF, content_type="application/pdf"),
        "truth": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_shows_what_the_state_holds_locked_with_its_source(signed_in, birth_service):
    html = signed_in.get(apply_url(birth_service)).content.decode()
    assert KK in html
    assert "Dari Dukcapil Kemendagri; tidak dapat diubah di sini." in html
    assert "BUDI SANTOSO" in html  # the other parent, from the KK
    assert "3 dari 5 persyaratan sudah dimiliki negara" in html
    assert 'name="kk_number"' not in html  # locked: no input to type over


def test_applying_with_an_upload_gives_a_tracking_number(signed_in, siti, birth_service):
    response = signed_in.post(apply_url(birth_service), posted())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/permohonan/{application.tracking_number}/"
    upload = Upload.objects.get(pk=application.data["birth_letter"]["id"])
    assert upload.owner == siti and upload.original_name == "Surat_Lahir_RS.pdf"
    assert upload.file.name.endswith(f"{upload.pk}.pdf")
    detail = signed_in.get(response["Location"]).content.decode()
    assert application.tracking_number in detail and "Verifikator" in detail


def test_a_double_submit_makes_one_application(signed_in, birth_service):
    first = signed_in.post(apply_url(birth_service), posted())
    second = signed_in.post(apply_url(birth_service), posted())
    assert Application.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_field_errors_keep_everything_typed_and_uploaded(signed_in, birth_service):
    response = signed_in.post(apply_url(birth_service), posted(child_name="", birth_date="2999-01-01"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Wajib diisi." in html and "Tanggal tidak boleh di masa depan." in html
    assert 'value="Samarinda"' in html
    kept = Upload.objects.exclude(pk=FILE_ID).get()
    assert f'name="birth_letter__id" value="{kept.pk}"' in html
    assert not Application.objects.exists()
    again = signed_in.post(apply_url(birth_service), posted(birth_letter__file=None, birth_letter__id=str(kept.pk)))
    assert again.status_code == 302
    assert Application.objects.get().data["birth_letter"]["id"] == str(kept.pk)


def test_a_file_that_is_not_a_pdf_or_image_is_a_field_error(signed_in, birth_service):
    fake = SimpleUploadedFile("surat.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = signed_in.post(apply_url(birth_service), posted(birth_letter__file=fake))
    assert response.status_code == 422
    assert "Hanya berkas PDF, JPEG, atau PNG yang diterima." in response.content.decode()
    assert not Upload.objects.exclude(pk=FILE_ID).exists()


def test_the_dashboard_and_detail_show_only_the_citizens_own(client, siti, budi, birth_service):
    mine = services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key())
    client.force_login(budi)
    assert mine.application.tracking_number not in client.get("/permohonan/").content.decode()
    assert client.get(f"/permohonan/{mine.application.tracking_number}/").status_code == 404
    assert client.get(f"/permohonan/{mine.application.tracking_number}/perbaikan/").status_code == 404
    client.force_login(siti)
    page = client.get("/permohonan/").content.decode()
    assert mine.application.tracking_number in page and "sisa" in page


def test_the_dashboard_costs_a_fixed_number_of_queries(signed_in, siti, birth_service, django_assert_max_num_queries):
    for _ in range(3):
        services.submit(
            applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), allow_duplicate=True
        )
    with django_assert_max_num_queries(8) as few:
        signed_in.get("/permohonan/")
    for _ in range(7):
        services.submit(
            applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), allow_duplicate=True
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get("/permohonan/")


def test_a_revision_opens_only_the_flagged_field(signed_in, siti, verifier, birth_service):
    application = services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key())
    application = application.application
    services.act(
        application_id=application.pk,
        officer=verifier,
        action="revise",
        expected_version=1,
        note="Surat tidak terbaca.",
        fields=["birth_letter"],
    )
    url = f"/permohonan/{application.tracking_number}/perbaikan/"
    page = signed_in.get(url).content.decode()
    assert "Surat tidak terbaca." in page
    assert 'name="birth_letter__file"' in page and 'name="child_name"' not in page
    clearer = SimpleUploadedFile("jelas.pdf", PDF, content_type="application/pdf")
    response = signed_in.post(url, {"birth_letter__file": clearer, "child_name": "Diganti"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert application.data["child_name"] == "Ayu Lestari Santoso"
    assert Upload.objects.get(pk=application.data["birth_letter"]["id"]).original_name == "jelas.pdf"


def test_pages_in_english(signed_in, birth_service):
    signed_in.cookies["mpp_lang"] = "en"
    html = signed_in.get(apply_url(birth_service)).content.decode()
    assert "Child&#x27;s full name" in html or "Child's full name" in html
    assert "Send the application" in html


@pytest.fixture
def kia_service(db):
    """The child ID card with a small form about the chosen child (the seeded form may differ)."""
    from mpp.catalog.models import Service
    from mpp.catalog.services import publish_template_version

    service = Service.objects.select_related("template__current_version").get(region_id="64.72", template__slug="kia")
    form = {
        "fields": [
            {"name": "child", "type": "text", "label": "Nama anak", "label_en": "Child", "prefill": "registry.name"},
            {
                "name": "truth",
                "type": "declaration",
                "label": "Pernyataan",
                "label_en": "Declaration",
                "text": "Data yang saya isi benar.",
                "text_en": "The data I entered are true.",
            },
        ]
    }
    publish_template_version(template=service.template, standard=service.template.current_version.standard, form=form)
    return Service.objects.get(pk=service.pk)


def test_a_parent_applies_for_a_minor_child_on_the_kk(signed_in, kia_service):
    from .conftest import PUTRI_NIK

    page = signed_in.get(f"{apply_url(kia_service)}?untuk={PUTRI_NIK}").content.decode()
    assert "PUTRI SANTOSO (anak)" in page  # offered in the chooser
    assert "PUTRI SANTOSO" in page.split("Nama anak")[1]  # the child's registry name, prefilled
    response = signed_in.post(
        f"{apply_url(kia_service)}?untuk={PUTRI_NIK}",
        {"submit_key": "kia-1", "beneficiary": PUTRI_NIK, "truth": "on"},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.beneficiary_nik, application.basis) == (PUTRI_NIK, "parent_of_minor")
    assert application.data["child"] == "PUTRI SANTOSO"


def test_a_person_the_citizen_may_not_act_for_is_refused(signed_in, kia_service):
    stranger = "3372015107950004"
    assert signed_in.get(f"{apply_url(kia_service)}?untuk={stranger}").status_code == 404
    response = signed_in.post(apply_url(kia_service), {"submit_key": "kia-2", "beneficiary": stranger, "truth": "on"})
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_the_form_is_kept_as_a_draft_while_typing_and_resumed(signed_in, siti, birth_service):
    saved = signed_in.post(f"{apply_url(birth_service)}draf/", {"child_name": "Ayu", "birth_place": "Samarinda"})
    assert saved.status_code == 200 and "Draf tersimpan" in saved.content.decode()
    draft = Application.objects.get(status=Status.DRAFT)
    assert draft.data["child_name"] == "Ayu" and draft.tracking_number is None
    assert "kk_number" not in draft.data  # registry values are never taken from the request
    page = signed_in.get(apply_url(birth_service)).content.decode()
    assert 'value="Ayu"' in page and "Melanjutkan draf" in page
    assert "Lanjutkan draf" in signed_in.get("/permohonan/").content.decode()
    signed_in.post(apply_url(birth_service), posted())
    assert not Application.objects.filter(status=Status.DRAFT).exists()
    assert Application.objects.get().status == Status.IN_PROGRESS


def test_drafts_are_only_for_the_citizen_and_the_people_they_may_act_for(signed_in, birth_service, client):
    stranger = "3372015107950004"
    refused = signed_in.post(f"{apply_url(birth_service)}draf/", {"child_name": "X", "beneficiary": stranger})
    assert refused.status_code == 400
    client.logout()
    assert client.post(f"{apply_url(birth_service)}draf/", {"child_name": "X"}).status_code == 302
    assert not Application.objects.exists()


def test_the_form_as_a_browser_sends_it_with_the_citizens_own_nik(signed_in, siti, birth_service):
    response = signed_in.post(apply_url(birth_service), posted(beneficiary=siti.nik))
    assert response.status_code == 302
    assert Application.objects.get().beneficiary_nik == ""


def test_an_autosave_arriving_after_the_submission_keeps_no_draft(signed_in, birth_service):
    signed_in.post(apply_url(birth_service), posted())
    late = signed_in.post(f"{apply_url(birth_service)}draf/", {"child_name": "Ayu"})
    assert late.status_code == 200
    assert not Application.objects.filter(status=Status.DRAFT).exists()
