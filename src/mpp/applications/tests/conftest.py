"""A family in Kota Samarinda, the city's Disdukcapil officers, and a birth-certificate form that fills itself."""

import itertools
import shutil

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mpp.catalog.models import Agency, Service
from mpp.files.models import Upload
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.tests.factories import UserFactory, make_citizen, make_family, make_person_record

KK = "6472010101100001"
SITI_NIK = "6472015204900003"  # mother, the applicant
BUDI_NIK = "6472010309870001"  # father, head of the family
PUTRI_NIK = "6472015506150002"  # a daughter, 11
FILE_ID = "0b8f4f5e-6a39-4f55-9a0e-1f0d6f7e2c11"
_keys = itertools.count()


@pytest.fixture
def family(db):
    make_person_record(
        BUDI_NIK,
        name="BUDI SANTOSO",
        kk_number=KK,
        relationship="KEPALA KELUARGA",
        birth_date="1987-09-03",
        sex="LAKI-LAKI",
    )
    make_person_record(SITI_NIK, name="SITI RAHMAWATI", kk_number=KK, relationship="ISTRI", birth_date="1990-04-12")
    make_person_record(PUTRI_NIK, name="PUTRI SANTOSO", kk_number=KK, relationship="ANAK", birth_date="2015-06-15")
    make_family(
        KK,
        [
            {"nik": BUDI_NIK, "name": "BUDI SANTOSO", "relationship": "KEPALA KELUARGA", "birth_date": "1987-09-03"},
            {"nik": SITI_NIK, "name": "SITI RAHMAWATI", "relationship": "ISTRI", "birth_date": "1990-04-12"},
            {"nik": PUTRI_NIK, "name": "PUTRI SANTOSO", "relationship": "ANAK", "birth_date": "2015-06-15"},
        ],
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUDI_FILE_ID = "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def make_upload(owner, pk: str, content: bytes = PDF) -> Upload:
    upload = Upload(
        pk=pk,
        owner=owner,
        sha256="0" * 64,
        content_type="application/pdf",
        size=len(content),
        original_name="surat-lahir.pdf",
        created_at=timezone.now(),
    )
    upload.file.save("upload", ContentFile(content), save=False)
    upload.save(force_insert=True)
    return upload


@pytest.fixture
def siti(family, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_citizen(SITI_NIK, level=2)
    make_upload(user, FILE_ID)
    return user


@pytest.fixture
def budi(family, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_citizen(BUDI_NIK, level=2)
    make_upload(user, BUDI_FILE_ID)
    return user


def officer(username: str, role: str, region: str = "64.72", kind: str = "disdukcapil"):
    user = UserFactory(username=username, staff=True)
    agency = Agency.objects.get(region_id=region, kind__code=kind)
    RoleAssignment.objects.create(user=user, role=role, region_id=region, agency=agency)
    return user


# The family above as the registry holds it: (nik, kk, order, name, sex, birthplace, birth date, religion,
# marital status, occupation, blood type, nationality, relationship, father, mother, deceased, death date).
REGISTRY_FAMILY = (KK, "64.72.01.1001", "JL. PAHLAWAN NO. 12", "003", "002", "2010-01-01")
REGISTRY_PERSONS = (
    (BUDI_NIK, KK, 1, "BUDI SANTOSO", "LAKI-LAKI", "SAMARINDA", "1987-09-03", "ISLAM", "KAWIN", "KARYAWAN SWASTA",
     "O", "WNI", "KEPALA KELUARGA", "SUPARMAN", "SRI SUMARNI", 0, None),
    (SITI_NIK, KK, 2, "SITI RAHMAWATI", "PEREMPUAN", "SAMARINDA", "1990-04-12", "ISLAM", "KAWIN", "KARYAWAN SWASTA",
     "A", "WNI", "ISTRI", "HASAN BASRI", "ROSNAWATI", 0, None),
    (PUTRI_NIK, KK, 3, "PUTRI SANTOSO", "PEREMPUAN", "SAMARINDA", "2015-06-15", "ISLAM", "BELUM KAWIN",
     "PELAJAR/MAHASISWA", "A", "WNI", "ANAK", "BUDI SANTOSO", "SITI RAHMAWATI", 0, None),
)  # fmt: skip


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory):
    """A small population registry seeded once: the simulator's demo families, the family above and 300
    others. Each test that writes to the registry gets its own copy (``registry``)."""
    from simulators.dukcapil import store
    from simulators.dukcapil.testing import PLATFORM_TEST_KEY, prepare_database

    db = tmp_path_factory.mktemp("registry-template") / "dukcapil.sqlite3"
    prepare_database(db, persons=300, institutions=[("MPP Digital", "all", 1_000_000, PLATFORM_TEST_KEY)])
    conn = store.connect(db)
    try:
        store.insert_families(conn, [REGISTRY_FAMILY])
        store.insert_persons(conn, REGISTRY_PERSONS)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return db


@pytest.fixture
def registry(registry_template, tmp_path, settings):
    """The Dukcapil simulator, its own process, on a copy of ``registry_template``: what a test writes
    (a birth, a death, a move) stays in that test. The platform points at it, breaker closed."""
    from mpp.registry.dukcapil import breaker
    from simulators.dukcapil.testing import PLATFORM_TEST_KEY, running_simulator

    db = tmp_path / "registry" / "dukcapil.sqlite3"
    db.parent.mkdir()
    shutil.copy(registry_template, db)
    with running_simulator(db) as simulator:
        settings.DUKCAPIL_URL, settings.DUKCAPIL_API_KEY = simulator.url, PLATFORM_TEST_KEY
        breaker.close()
        yield simulator
    breaker.close()


@pytest.fixture
def verifier(db):
    return officer("verifikator.samarinda", Role.VERIFIER)


@pytest.fixture
def second_verifier(db):
    return officer("verifikator2.samarinda", Role.VERIFIER)


@pytest.fixture
def approver(db, registry):
    """Disdukcapil's approving official; approving a birth, death, move or marriage writes to the registry."""
    return officer("kadis.samarinda", Role.APPROVER)


@pytest.fixture
def surakarta_verifier(db):
    return officer("verifikator.surakarta", Role.VERIFIER, region="33.72")


@pytest.fixture
def health_verifier(db):
    return officer("verifikator.dinkes.samarinda", Role.VERIFIER, kind="dinkes")


@pytest.fixture
def birth_service(db):
    return Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")


def birth_form(**changes) -> dict:
    return {
        "child_name": "Ayu Lestari Santoso",
        "child_sex": "PEREMPUAN",
        "birth_date": "2026-11-20",
        "birth_time": "07:45",
        "birth_place": "Samarinda",
        "birth_order": "2",
        "birth_attendant": "bidan",
        "has_birth_letter": "ya",
        "birth_letter": {"source": "upload", "id": FILE_ID},
        "truth": "on",
        **changes,
    }


def new_key() -> str:
    return f"test-{next(_keys)}"
