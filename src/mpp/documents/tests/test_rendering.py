import dataclasses
import datetime as dt

import pytest

from mpp.documents.rendering import DEMO_BANNER, RenderedContent, indonesian_date, render, verification_url
from mpp.documents.tests.pdf_text import page_streams, page_texts, text


def test_renders_an_a4_pdf_with_letterhead_title_number_and_fields(kk_content):
    pdf = render(kk_content)

    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4 in points
    shown = text(pdf)
    for expected in (
        "PEMERINTAH KOTA SAMARINDA",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "KARTU KELUARGA",
        "Nomor: 6472012345670001",
        "Nama Kepala Keluarga",
        "BUDI SANTOSO",
        "SITI AMINAH",
        "6472014101150003",
    ):
        assert expected in shown


def test_signature_block_names_the_official_with_place_and_indonesian_date(kk_content):
    shown = text(render(kk_content))

    assert "Samarinda, 12 Januari 2026" in shown
    assert "Kepala Dinas Kependudukan dan Pencatatan Sipil" in shown
    assert "Drs. H. Andi Rahman, M.Si." in shown
    assert "NIP. 197001011990031001" in shown


def test_verification_code_and_url_are_printed(kk_content):
    shown = text(render(kk_content))

    assert "KK7Q-4M2D-9XPA" in shown
    assert "http://127.0.0.1:8000/verify/KK7Q-4M2D-9XPA" in shown


def test_qr_code_is_drawn_as_vector_modules(kk_content):
    pdf = render(kk_content)

    assert page_streams(pdf)[0].count(b" re") > 50  # the QR code's runs of dark modules
    assert b"/Subtype /Image" not in pdf


def test_demo_document_carries_the_banner_and_an_official_one_does_not(kk_content):
    official = text(render(kk_content))
    demo = text(render(dataclasses.replace(kk_content, demo=True)))

    assert DEMO_BANNER not in official
    assert DEMO_BANNER in demo
    assert "DOKUMEN DEMO — ditandatangani oleh CA demo, tidak sah untuk keperluan resmi" in demo


def test_long_tables_continue_on_further_pages_each_with_banner(kk_content):
    rows = [(str(i), f"ANGGOTA {i}", f"64720100000{i:05d}", "LAKI-LAKI", "SAMARINDA", "01-01-2000") for i in range(80)]
    pdf = render(dataclasses.replace(kk_content, table_rows=rows, demo=True))

    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert all(DEMO_BANNER in page for page in pages)
    assert "Halaman 2" in pages[1]
    assert "ANGGOTA 79" in "".join(pages)


def test_markup_in_values_is_printed_literally(kk_content):
    content = dataclasses.replace(kk_content, fields=(("Nama", "A & B <b>C</b>"),))

    assert "A & B <b>C</b>" in text(render(content)).replace("\n", "")  # one string per fragment


def test_rows_must_match_the_header(kk_content):
    with pytest.raises(ValueError, match="table_header"):
        dataclasses.replace(kk_content, table_rows=(("1", "only two"),))


def test_minimal_document_without_fields_or_table_renders():
    content = RenderedContent(
        issuer=("PEMERINTAH KOTA SAMARINDA", "DINAS KESEHATAN"),
        title="SURAT IZIN PRAKTIK PERAWAT",
        number="503/0001/SIPP/DINKES/2026",
        issued_at=dt.date(2026, 8, 17),
        place="Samarinda",
        official_name="dr. Ismid Kusasih",
        official_position="Kepala Dinas Kesehatan",
        verification_url="http://example.test/verify/X",
        verification_code="X",
    )

    assert "SURAT IZIN PRAKTIK PERAWAT" in text(render(content))


def test_indonesian_date_does_not_depend_on_the_locale():
    assert indonesian_date(dt.date(2026, 3, 5)) == "5 Maret 2026"
    assert indonesian_date(dt.date(2025, 12, 31)) == "31 Desember 2025"


def test_verification_url_uses_site_url(settings):
    settings.SITE_URL = "https://mpp.example.go.id/"

    assert verification_url("AB12") == "https://mpp.example.go.id/verify/AB12"
