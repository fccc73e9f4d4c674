"""The same child applied for three times: the citizen is warned before submitting again, and officers see
the flag on the worklist and on each application."""

import pytest
from django.test import Client

from mpp.applications import services
from mpp.applications.duplicates import duplicate_key
from mpp.applications.models import Application
from mpp.applications.tests.conftest import BUDI_FILE_ID, BUDI_NIK, PUTRI_NIK, SITI_NIK, birth_form, new_key
from mpp.applications.tests.test_citizen_pages import apply_url, posted
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail

pytestmark = pytest.mark.django_db


def submit(applicant, service, **options):
    return services.submit(
        applicant=applicant, service=service_detail(service.pk), data=birth_form(), submit_key=new_key(), **options
    ).application


def test_a_second_request_for_the_same_child_is_refused_until_the_citizen_confirms(siti, birth_service):
    first = submit(siti, birth_service)

    with pytest.raises(services.LikelyDuplicate) as warned:
        submit(siti, birth_service)
    assert warned.value.numbers == [first.tracking_number]

    second = submit(siti, birth_service, allow_duplicate=True)
    assert second.duplicate_key == first.duplicate_key and Application.objects.count() == 2


def test_another_child_or_a_decided_request_is_no_duplicate(siti, birth_service):
    first = submit(siti, birth_service)
    services.submit(
        applicant=siti,
        service=service_detail(birth_service.pk),
        data=birth_form(child_name="Bima Santoso", child_sex="LAKI-LAKI"),
        submit_key=new_key(),
    )
    Application.objects.filter(pk=first.pk).update(status="rejected")

    assert submit(siti, birth_service).pk  # the rejected one no longer counts


def test_the_form_warns_and_offers_a_confirmation_box(client, siti, birth_service):
    client.force_login(siti)
    assert client.post(apply_url(birth_service), posted(submit_key="kunci-a")).status_code == 302
    first = Application.objects.get()

    warned = client.post(apply_url(birth_service), posted(submit_key="kunci-b"))

    page = warned.content.decode()
    assert warned.status_code == 409 and first.tracking_number in page
    assert 'name="allow_duplicate"' in page and Application.objects.count() == 1
    assert "Ayu Lestari Santoso" in page  # what she typed is kept
    confirmed = client.post(apply_url(birth_service), posted(submit_key="kunci-b", allow_duplicate="on"))
    assert confirmed.status_code == 302 and Application.objects.count() == 2


def test_officers_see_the_flag_on_the_worklist_and_both_applications(siti, birth_service, verifier):
    first = submit(siti, birth_service)
    second = submit(siti, birth_service, allow_duplicate=True)
    single = services.submit(
        applicant=siti,
        service=service_detail(birth_service.pk),
        data=birth_form(child_name="Bima Santoso", child_sex="LAKI-LAKI"),
        submit_key=new_key(),
    ).application
    office = Client()
    office.force_login(verifier)

    worklist = office.get("/petugas/").content.decode()
    assert worklist.count("Mungkin ganda") == 2
    detail = office.get(f"/petugas/permohonan/{first.pk}/").content.decode()
    assert 'id="duplicates"' in detail and second.tracking_number in detail
    assert 'id="duplicates"' not in office.get(f"/petugas/permohonan/{single.pk}/").content.decode()


def test_a_citizen_is_not_told_about_someone_elses_request(siti, budi, birth_service):
    submit(siti, birth_service)  # the mother applied

    services.submit(  # the father applies for the same child: no warning that reveals hers
        applicant=budi,
        service=service_detail(birth_service.pk),
        data=birth_form(birth_letter={"source": "upload", "id": BUDI_FILE_ID}),
        submit_key=new_key(),
    )


def sktm(purpose: str, **changes) -> dict:
    return {
        "purpose": purpose,
        "purpose_detail": "Pendaftaran beasiswa SMP Negeri 1 Samarinda",
        "monthly_income": "1500000",
        "economic_statement": "on",
        "truth": "on",
    } | changes


def test_a_village_letter_for_another_purpose_is_no_duplicate_but_the_same_purpose_twice_is(siti):
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="sktm").pk)

    def apply(data):
        return services.submit(applicant=siti, service=service, data=data, submit_key=new_key()).application

    first = apply(sktm("pendidikan"))
    with pytest.raises(services.LikelyDuplicate) as warned:
        apply(sktm("pendidikan", purpose_detail="Beasiswa lain"))  # the same purpose, in other words
    assert warned.value.numbers == [first.tracking_number]

    for_health = apply(sktm("kesehatan"))  # another purpose: another letter
    for_putri = apply(sktm("pendidikan", for_member={"nik": PUTRI_NIK}))  # for her daughter's school
    assert len({first.duplicate_key, for_health.duplicate_key, for_putri.duplicate_key}) == 3


@pytest.mark.parametrize(
    ("slug", "data", "same", "other"),
    [
        (
            "surat-pengantar-skck",
            {"purpose": "Melamar pekerjaan"},
            {"purpose": "  melamar   PEKERJAAN "},
            {"purpose": "Mendaftar CPNS"},
        ),
        ("surat-keterangan-domisili", {"purpose": "Membuka rekening"}, {}, {"purpose": "Melamar pekerjaan"}),
        ("surat-keterangan-belum-menikah", {"purpose": "Mendaftar CPNS"}, {}, {"purpose": "Mendaftar TNI"}),
        (
            "surat-keterangan-usaha",
            {"business_name": "Warung Bu Siti", "purpose": "Pengajuan KUR"},
            {"business_name": "WARUNG BU SITI"},
            {"business_name": "Jahit Bu Siti"},
        ),
        ("surat-keterangan-kematian-desa", {"deceased": {"nik": BUDI_NIK}}, {}, {"deceased": {"nik": PUTRI_NIK}}),
    ],
)
def test_each_village_letter_is_keyed_by_what_it_is_for(slug, data, same, other):
    def key(values, nik=SITI_NIK):
        return duplicate_key(slug, values, person_nik=nik)

    assert key(data) == key(data | same) != key(data | other)
    if slug == "surat-keterangan-kematian-desa":  # one death, whichever relative reports it
        assert key(data) == key(data, nik=BUDI_NIK)
    else:
        assert key(data) != key(data, nik=BUDI_NIK)  # the same purpose for someone else
