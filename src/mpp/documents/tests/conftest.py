"""Signing fixtures of the documents tests (``demo_ca`` and ``demo_signing`` are the root conftest's):
``other_ca`` is a second demo CA the platform does not trust."""

import datetime as dt

import pytest

from mpp.applications.tests.conftest import (  # noqa: F401
    approver,
    birth_service,
    budi,
    family,
    registry,
    registry_template,
    siti,
    verifier,
)
from mpp.documents.demo_ca import DemoCA, create_demo_ca
from mpp.documents.rendering import RenderedContent


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory) -> DemoCA:
    return create_demo_ca(
        tmp_path_factory.mktemp("other-signing"),
        root_name="Otoritas Lain DEMO Root CA",
        signer_name="Penandatangan Lain DEMO",
        organization="Otoritas Lain DEMO",
    )


@pytest.fixture
def kk_content() -> RenderedContent:
    """A family card with three members, as the lead's mapping would fill it."""
    return RenderedContent(
        issuer=("PEMERINTAH KOTA SAMARINDA", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"),
        issuer_address="Jl. Basuki Rahmat No. 1, Samarinda, Kalimantan Timur",
        title="KARTU KELUARGA",
        number="6472012345670001",
        fields=(
            ("Nama Kepala Keluarga", "BUDI SANTOSO"),
            ("Alamat", "JL. PAHLAWAN NO. 12"),
            ("RT/RW", "003/001"),
            ("Desa/Kelurahan", "SIDODADI"),
            ("Kecamatan", "SAMARINDA ULU"),
        ),
        table_header=("No", "Nama Lengkap", "NIK", "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir"),
        table_rows=(
            ("1", "BUDI SANTOSO", "6472011203800001", "LAKI-LAKI", "SAMARINDA", "12-03-1980"),
            ("2", "SITI AMINAH", "6472015407850002", "PEREMPUAN", "BALIKPAPAN", "14-07-1985"),
            ("3", "RINA SANTOSO", "6472014101150003", "PEREMPUAN", "SAMARINDA", "01-01-2015"),
        ),
        issued_at=dt.date(2026, 1, 12),
        place="Samarinda",
        official_name="Drs. H. Andi Rahman, M.Si.",
        official_position="Kepala Dinas Kependudukan dan Pencatatan Sipil",
        official_id="197001011990031001",
        verification_url="http://127.0.0.1:8000/verify/KK7Q-4M2D-9XPA",
        verification_code="KK7Q-4M2D-9XPA",
    )
