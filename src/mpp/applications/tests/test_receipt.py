"""The receipt: the page a citizen lands on after submitting says what happens next, in plain sentences."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from mpp.applications import services
from mpp.catalog.selectors import service_detail

from .conftest import BUDI_NIK, SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db

SUBMITTED = dt.datetime(2026, 12, 3, 13, 26, tzinfo=ZoneInfo("Asia/Makassar"))  # a Thursday in Samarinda


@pytest.fixture
def submitted(siti, birth_service):
    return services.submit(
        applicant=siti, service=service_detail(birth_service.pk), data=birth_form(), submit_key=new_key(), now=SUBMITTED
    ).application


def receipt(client, user, application) -> str:
    client.force_login(user)
    response = client.get(f"/permohonan/{application.tracking_number}/")
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """What a reader reads: inline tags vanish, a term and its description stay apart."""
    return " ".join(re.sub(r"<[^>]+>", "", re.sub(r"</d[td]>", " ", html)).split())


def test_it_says_what_happens_next(client, siti, submitted):
    html = receipt(client, siti, submitted)
    text = text_of(html)
    assert "Apa selanjutnya" in text
    assert (
        "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda memproses permohonan Anda dan menyelesaikannya "
        "paling lambat 4 Desember 2026, 23.59 WITA." in text
    )
    assert "Ikuti perkembangannya di Permohonan saya." in text and 'href="/permohonan/"' in html
    assert 'href="/lacak/"' in html
    assert f"isikan nomor {submitted.tracking_number} dan 4 angka terakhir NIK Anda, {SITI_NIK[-4:]}." in text
    assert 'href="/brankas/"' in html and "tersimpan di Brankas dokumen Anda" in text
    assert "Diajukan 3 Desember 2026, 13.26 WITA · Daring" in text


def test_following_the_receipt_finds_the_application_on_the_public_tracking_page(client, submitted):
    answer = client.post("/lacak/", {"tracking_number": submitted.tracking_number, "nik_last4": SITI_NIK[-4:]})
    assert answer.status_code == 200 and "Penerbitan Akta Kelahiran" in answer.content.decode()


def test_niks_are_masked_and_people_named(client, siti, submitted):
    text = text_of(receipt(client, siti, submitted))
    assert SITI_NIK not in text and BUDI_NIK not in text
    assert "Anda sendiri · NIK 647201••••••0003" in text
    assert "BUDI SANTOSO · NIK 647201••••••0001" in text


def test_answers_read_as_sentences(client, siti, submitted):
    text = text_of(receipt(client, siti, submitted))
    assert "Pernyataan Anda menyatakan: “Data yang saya isi benar dan dapat dipertanggungjawabkan.”" in text
    assert "Dinyatakan" not in text
    assert "Tanggal lahir 20 November 2026" in text and "2026-11-20" not in text
    assert "Penolong persalinan Bidan atau perawat" in text


def test_a_decided_application_has_no_next_steps(client, siti, submitted, verifier, approver):
    accepted = services.act(
        application_id=submitted.pk, officer=verifier, action="accept", expected_version=submitted.version
    )
    services.act(application_id=submitted.pk, officer=approver, action="approve", expected_version=accepted.version)
    text = text_of(receipt(client, siti, submitted))
    assert "Apa selanjutnya" not in text and "Dokumen hasil sudah terbit" in text


def test_the_receipt_reads_in_english(client, siti, submitted):
    client.cookies["mpp_lang"] = "en"
    text = text_of(receipt(client, siti, submitted))
    assert "3 December 2026, 13:26 WITA" in text and "20 November 2026" in text
