"""Golden tests: each document the platform issues, from registry data to the signed PDF's text.

Each test reads a real family from the Dukcapil simulator (its own process, over HTTP) into our
dated copies as a sign-in does, fills the application as the citizen would, has the agency approve
it, extracts the text of the signed PDF and compares every field of the official form
(``issuing.FORMS``) with what it must say. The other parent has no account anywhere here.
"""

import datetime as dt
import sqlite3

import pytest

from mpp.applications import services as applications
from mpp.applications.models import Application
from mpp.applications.tests.conftest import make_upload, new_key
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.core.errors import DomainError
from mpp.documents.issuing import FORMS
from mpp.documents.models import DocumentType, IssuedDocument
from mpp.documents.tests import pdf_text
from mpp.documents.tests import test_practice_permit as permit
from mpp.identity.services import refresh_registry_data
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db

# The simulator's demo family in Samarinda (simulators/dukcapil/demo_persons.py).
KK = "6472031803200001"
BUDI, SITI, AHMAD, NUR = "6472030309870001", "6472035204900001", "6472032107160001", "6472035402200001"
DEWI = "6472054211950001"
FILES = iter(f"5d1c2b3d-4e5f-4a6b-8c7d-{n:012d}" for n in range(10_000))


@pytest.fixture
def citizen(registry, settings, tmp_path):
    """A citizen signed in once: our dated copies of her record and her family card, read over HTTP."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def sign_in(nik: str):
        user = make_citizen(nik, level=2)
        refresh_registry_data(user=user, purpose="Masuk")
        return user

    return sign_in


@pytest.fixture
def officers(verifier, approver):
    return verifier, approver


def birth_data(mother) -> dict:
    """Rina, Siti's third child, with her husband Budi as the other parent (he has no account)."""
    return {
        "kk_number": KK,
        "other_parent": {"nik": BUDI},
        "child_name": "Rina Ayu Santoso",
        "child_sex": "PEREMPUAN",
        "birth_date": "2026-11-20",
        "birth_place": "Samarinda",
        "birth_order": "3",
        "birth_attendant": "bidan",
        "has_birth_letter": "ya",
        "birth_letter": upload(mother),
        "truth": "on",
    }


def upload(user) -> dict:
    return {"source": "upload", "id": make_upload(user, next(FILES)).pk.__str__()}


def issue(user, slug: str, data: dict, officers, *, beneficiary_nik: str = "") -> IssuedDocument:
    verifier, approver = officers
    service = service_detail(Service.objects.get(region_id="64.72", template__slug=slug).pk)
    try:
        application = applications.submit(
            applicant=user, service=service, data=data, submit_key=new_key(), beneficiary_nik=beneficiary_nik
        ).application
    except applications.FormInvalid as invalid:
        raise AssertionError(f"the form was refused: {invalid.errors}") from None
    application = applications.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )
    applications.act(
        application_id=application.pk, officer=approver, action="approve", expected_version=application.version
    )
    return IssuedDocument.objects.get(application=application)


def printed(issued: IssuedDocument) -> str:
    with issued.upload.file.open("rb") as handle:
        return " ".join(pdf_text.text(handle.read()).split())


def assert_fields(issued: IssuedDocument, document_type: str, expected: dict[str, str]):
    """Every field of the official form is printed with exactly the expected value, in order."""
    form = FORMS[document_type]
    assert issued.document_type == document_type
    assert set(expected) == {label for label in form.fields if label in expected}
    text = printed(issued)
    assert form.title in text and f"Nomor: {issued.number}" in text  # the registration number
    position = 0
    for label in form.fields:
        if label not in expected:
            assert label in form.optional, f"{label} is required on {form.title}"
            continue
        line = f"{label} : {expected[label]}"
        found = text.find(line, position)
        assert found >= 0, f"{line!r} not in the {form.title} (after position {position}): {text}"
        position = found + len(line)


def test_birth_certificate_names_both_parents_though_the_father_has_no_account(citizen, officers):
    siti = citizen(SITI)
    data = birth_data(siti)

    issued = issue(siti, "akta-kelahiran", data, officers)

    child_nik = issued.application.beneficiary_nik  # given by the registry when it recorded the birth
    assert child_nik.startswith("647203" + "601126")  # Samarinda Ulu, born 20 (+40: a girl) November 2026
    assert_fields(
        issued,
        DocumentType.AKTA_KELAHIRAN,
        {
            "NIK": child_nik,
            "Nama": "Rina Ayu Santoso",
            "Tempat lahir": "Samarinda",
            "Tanggal lahir": "20 November 2026 (dua puluh November dua ribu dua puluh enam)",
            "Jenis kelamin": "Perempuan",
            "Anak ke-": "3 (ketiga)",
            "Nama ayah": "BUDI SANTOSO",
            "Nama ibu": "SITI RAHMAWATI",
            "Kewarganegaraan": "WNI",
            "Nomor Kartu Keluarga": KK,
        },
    )


def test_a_parent_the_registry_does_not_know_stops_the_approval_and_nothing_is_recorded(citizen, officers, registry):
    siti = citizen(SITI)
    verifier, approver = officers
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="akta-kelahiran").pk)
    data = birth_data(siti)
    application = applications.submit(applicant=siti, service=service, data=data, submit_key=new_key()).application
    application = applications.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )
    # The father's NIK is replaced by one the registry has never issued (as a stale form might carry).
    Application.objects.filter(pk=application.pk).update(
        data={**application.data, "other_parent": {"nik": "6472030101990009"}}
    )

    with pytest.raises(DomainError, match="tidak ditemukan di database kependudukan"):
        applications.act(
            application_id=application.pk, officer=approver, action="approve", expected_version=application.version
        )

    application.refresh_from_db()
    assert application.status != "approved" and not IssuedDocument.objects.exists()
    conn = sqlite3.connect(f"file:{registry.db}?mode=ro", uri=True)
    try:  # no child was registered without its father
        assert conn.execute("SELECT count(*) FROM persons WHERE name = 'RINA AYU SANTOSO'").fetchone()[0] == 0
    finally:
        conn.close()


def test_death_certificate(citizen, officers, registry):
    siti = citizen(SITI)
    deceased = _someone_in_the_registry(registry, alive=True)
    data = {
        "reporter_relation": "keluarga_lain",
        "deceased_in_kk": "tidak",
        "deceased_nik": deceased["nik"],
        "death_date": "2026-11-30",
        "death_place": "RSUD Abdul Wahab Sjahranie, Samarinda",
        "death_cause": "sakit",
        "certified_by": "dokter",
        "has_death_letter": "ya",
        "death_letter": upload(siti),
        "id_card": "diserahkan",
        "truth": "on",
    }

    issued = issue(siti, "akta-kematian", data, officers)

    assert_fields(
        issued,
        DocumentType.AKTA_KEMATIAN,
        {
            "NIK": deceased["nik"],
            "Nama": deceased["name"],
            "Jenis kelamin": deceased["sex"].title(),
            "Tempat lahir": deceased["birth_place"].title(),
            "Tanggal lahir": _indonesian(deceased["birth_date"]),
            "Tempat meninggal": "RSUD Abdul Wahab Sjahranie, Samarinda",
            "Tanggal meninggal": "30 November 2026 (tiga puluh November dua ribu dua puluh enam)",
            "Nomor Kartu Keluarga": deceased["kk_number"],
        },
    )


def test_family_card_lists_every_member_from_the_registry(citizen, officers):
    siti = citizen(SITI)
    data = {"kk_number": KK, "request_kind": "hilang_rusak", "lost_or_damaged": "rusak", "truth": "on"}

    issued = issue(siti, "kartu-keluarga", data, officers)

    assert_fields(
        issued,
        DocumentType.KARTU_KELUARGA,
        {
            "Nomor Kartu Keluarga": KK,
            "Nama kepala keluarga": "BUDI SANTOSO",
            "Alamat": "JL. JUANDA GG. 5 NO. 12",
            "RT/RW": "014/005",
            "Desa/Kelurahan": "AIR PUTIH",
            "Kecamatan": "SAMARINDA ULU",
            "Kabupaten/Kota": "KOTA SAMARINDA",
            "Provinsi": "KALIMANTAN TIMUR",
            "Kode pos": _postal_code_of(issued),
        },
    )
    text = printed(issued)
    for nik, name in ((BUDI, "BUDI SANTOSO"), (SITI, "SITI RAHMAWATI"), (AHMAD, "AHMAD FAUZI"), (NUR, "NUR AISYAH")):
        assert nik in text and name in text
    assert "Suparman / Sri Sumarni".upper() in text.upper()  # Budi's parents, from the registry


def test_child_identity_card(citizen, officers):
    siti = citizen(SITI)
    data = {
        "child": {"nik": NUR},
        "name": "NUR AISYAH SANTOSO",
        "birth_date": "2020-02-14",
        "kk_number": KK,
        "request_kind": "baru",
        "photo": upload(siti),
        "truth": "on",
    }

    issued = issue(siti, "kia", data, officers, beneficiary_nik=NUR)

    assert_fields(
        issued,
        DocumentType.KIA,
        {
            "NIK": NUR,
            "Nama": "NUR AISYAH SANTOSO",
            "Tempat lahir": "Samarinda",
            "Tanggal lahir": "14 Februari 2020",
            "Jenis kelamin": "Perempuan",
            "Agama": "Islam",
            "Kewarganegaraan": "WNI",
            "Nomor Kartu Keluarga": KK,
            "Nama kepala keluarga": "BUDI SANTOSO",
            "Alamat": "JL. JUANDA GG. 5 NO. 12, RT/RW 014/005, AIR PUTIH, SAMARINDA ULU, KOTA SAMARINDA, "
            "KALIMANTAN TIMUR",
            "Berlaku hingga": "13 Februari 2037",
        },
    )


def test_moving_certificate_for_the_whole_family(citizen, officers):
    siti = citizen(SITI)
    data = {
        "kk_number": KK,
        "destination": {"village_code": "33.72.01.1001", "street": "Jl. Slamet Riyadi No. 5", "rt": "2", "rw": "7"},
        "reason": "pekerjaan",
        "move_date": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        "move_scope": "semua",
        "kk_status_moving": "kk_baru",
        "truth": "on",
    }

    issued = issue(siti, "skpwni", data, officers)

    destination = _village_line("33.72.01.1001")
    assert_fields(
        issued,
        DocumentType.SKPWNI,
        {
            "NIK pemohon": SITI,
            "Nama pemohon": "SITI RAHMAWATI",
            "Nomor Kartu Keluarga": KK,
            "Nama kepala keluarga": "BUDI SANTOSO",
            "Alamat asal": "JL. JUANDA GG. 5 NO. 12, RT/RW 014/005, AIR PUTIH, SAMARINDA ULU, KOTA SAMARINDA, "
            "KALIMANTAN TIMUR",
            "Alamat tujuan": f"Jl. Slamet Riyadi No. 5, RT/RW 002/007, {destination}",
            "Alasan pindah": "Pekerjaan",
            "Jenis kepindahan": "Seluruh anggota keluarga",
            "Tanggal pindah": _indonesian(data["move_date"]),
        },
    )
    text = printed(issued)
    assert all(nik in text for nik in (BUDI, SITI, AHMAD, NUR))


def test_marriage_certificate(citizen, officers, registry):
    dewi = citizen(DEWI)
    groom = _someone_in_the_registry(registry, alive=True, sex="LAKI-LAKI", marital_status="BELUM KAWIN")
    witnesses = [_someone_in_the_registry(registry, alive=True, offset=n)["nik"] for n in (3, 4)]
    data = {
        "spouse_nik": groom["nik"],
        "religion": "kristen",
        "religious_body": "Gereja Protestan Indonesia Barat Samarinda",
        "religious_leader": "Pdt. Yohanes Lumban",
        "wedding_date": "2026-11-28",
        "wedding_place": "GPIB Samarinda",
        "marriage_order_husband": "1",
        "marriage_order_wife": "1",
        "witness_1_nik": witnesses[0],
        "witness_2_nik": witnesses[1],
        "marriage_letter": upload(dewi),
        "couple_photo": upload(dewi),
        "needs_permit": "tidak",
        "prenuptial": "tidak",
        "attend_signing": "on",
        "truth": "on",
    }

    issued = issue(dewi, "akta-perkawinan", data, officers)

    assert_fields(
        issued,
        DocumentType.AKTA_PERKAWINAN,
        {
            "Nama suami": groom["name"],
            "NIK suami": groom["nik"],
            "Nama istri": "DEWI LESTARI",
            "NIK istri": DEWI,
            "Tanggal perkawinan": "28 November 2026 (dua puluh delapan November dua ribu dua puluh enam)",
            "Tempat perkawinan": "GPIB Samarinda",
            "Agama": "Kristen",
            "Pemuka agama": "Pdt. Yohanes Lumban",
        },
    )


# -- the registry's own data, read from the simulator's file as a second opinion --------------------


def _someone_in_the_registry(simulator, *, alive: bool, sex: str = "", marital_status: str = "", offset: int = 0):
    query = "SELECT * FROM persons WHERE is_deceased = ? AND nik NOT LIKE '6472%'"
    params: list = [0 if alive else 1]
    if sex:
        query += " AND sex = ?"
        params.append(sex)
    if marital_status:
        query += " AND marital_status = ?"
        params.append(marital_status)
    query += " AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1 OFFSET ?"
    params.append(offset)
    conn = sqlite3.connect(f"file:{simulator.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute(query, params).fetchone())
    finally:
        conn.close()


def _indonesian(iso: str) -> str:
    from mpp.documents.rendering import indonesian_date

    return indonesian_date(dt.date.fromisoformat(iso))


def _village_line(code: str) -> str:
    from mpp.regions.models import Region

    village = Region.objects.select_related("parent__parent__parent").get(code=code)
    district, regency, province = village.parent, village.parent.parent, village.parent.parent.parent
    return ", ".join(region.name.upper() for region in (village, district, regency, province))


def _postal_code_of(issued: IssuedDocument) -> str:
    from mpp.registry.models import FamilyRecord

    return FamilyRecord.objects.get(kk_number=KK).data["address"].get("postal_code", "")


def test_practice_permit(sisdmk, settings, tmp_path):
    """The STR and the practice place come from SISDMK (its simulator, over HTTP) and the form."""
    nurse = permit.citizen(DEWI, "DEWI LESTARI", settings, tmp_path)
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="sip-tenaga-kesehatan").pk)
    submitted = applications.submit(applicant=nurse, service=service, data=permit.sip_form(), submit_key=new_key())
    officers = (
        permit.officer("verifikator.dinkes.samarinda", permit.Role.VERIFIER, kind="dinkes"),
        permit.officer("kadinkes.samarinda", permit.Role.APPROVER, kind="dinkes"),
    )
    permit.approve(submitted.application, *officers)
    issued = IssuedDocument.objects.get(application=submitted.application)

    assert_fields(
        issued,
        DocumentType.SIP,
        {
            "Nama": "DEWI LESTARI",
            "NIK": DEWI,
            "Profesi": "Perawat",
            "Nomor STR": "2164230990000001",
            "Tempat praktik": "RSUD Abdul Wahab Sjahranie",
            "Alamat tempat praktik": "Jl. Palang Merah Indonesia No. 1, RT/RW 001/002, "
            + _village_line("64.72.05.1002"),
            "Hari dan jam praktik": "Senin–Jumat 07.30–14.00",
            "Berlaku sampai": _indonesian(issued.valid_until.isoformat()),
        },
    )


def test_the_documented_table_is_the_code():
    """docs/documents.md shows FORMS as it is: one table, in the code and for people."""
    from pathlib import Path

    rows = [
        f"| {form.title} | {', '.join(f'*{x}*' if x in form.optional else x for x in form.fields)} | "
        f"{', '.join(form.table) or '—'} | {form.legal_source} |"
        for form in FORMS.values()
    ]
    documented = (Path(__file__).resolve().parents[4] / "docs" / "documents.md").read_text()
    assert all(row in documented for row in rows)


def test_a_value_the_form_needs_and_no_source_has_stops_the_issue_and_stores_nothing(siti, verifier, approver):
    """Putri's registry record lacks her religion (an incomplete copy): her KIA is not issued without it."""
    from mpp.applications.tests.conftest import PUTRI_NIK
    from mpp.registry.models import PersonRecord

    record = PersonRecord.objects.get(nik=PUTRI_NIK)
    record.data.pop("religion")
    record.save()
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="kia").pk)
    data = {"request_kind": "baru", "truth": "on"}
    application = applications.submit(
        applicant=siti, service=service, data=data, submit_key=new_key(), beneficiary_nik=PUTRI_NIK
    ).application
    application = applications.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )

    with pytest.raises(DomainError, match="Agama"):
        applications.act(
            application_id=application.pk, officer=approver, action="approve", expected_version=application.version
        )

    application.refresh_from_db()
    assert application.status == "in_progress" and not IssuedDocument.objects.exists()
