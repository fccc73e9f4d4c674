"""The citizen's "who used my data" page: theirs only, in words, one line per use, by application, paged, filtered."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mpp.applications import services
from mpp.applications.access import record_officer_view
from mpp.applications.models import Application
from mpp.applications.tests.conftest import SITI_NIK, birth_form, new_key
from mpp.audit.models import AccessKind, DataAccess
from mpp.audit.services import record_data_access
from mpp.catalog.selectors import service_detail

pytestmark = pytest.mark.django_db

URL = "/akun/penggunaan-data/"


@pytest.fixture
def application(siti, birth_service):
    return services.submit(
        applicant=siti, service=service_detail(birth_service.pk), data=birth_form(), submit_key=new_key()
    ).application


def officer_reads_and_decides(application, verifier) -> None:
    """Open the file, take it, accept it: the page is shown after each (three rows of one reading)."""
    officer = Client()
    officer.force_login(verifier)
    officer.get(reverse("applications:officer_detail", args=[application.pk]))
    officer.post(reverse("applications:claim", args=[application.pk]), {"version": application.version}, follow=True)
    application.refresh_from_db()
    officer.post(
        reverse("applications:act", args=[application.pk]),
        {"version": application.version, "action": "accept", "note": ""},
        follow=True,
    )


def lines(html: str) -> list[str]:
    return re.findall(r"<li><strong>.*?</li>", html, flags=re.S)


def page_of(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def face_check(subject: str = SITI_NIK, purpose: str = "Verifikasi wajah pemilik akun") -> DataAccess:
    return record_data_access(
        subject_nik=subject,
        kind=AccessKind.FACE_CHECK,
        actor_label="MPP Digital",
        purpose=purpose,
        fields=["foto wajah"],
        outcome="cocok",
    )


def test_another_citizen_does_not_see_the_log(client, application, verifier, budi):
    officer_reads_and_decides(application, verifier)
    html = page_of(client, budi)
    assert application.tracking_number not in html and "Dilihat petugas</strong>" not in html
    assert "Belum ada catatan." in html
    # Nothing in the address picks whose log it is: the filter and the page change nothing.
    assert application.tracking_number not in page_of(client, budi, f"?jenis=petugas&nik={SITI_NIK}&page=1")


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("identity:login"))


def test_fields_read_as_their_labels_in_the_forms_order(client, siti, application, verifier):
    record_officer_view(application, verifier)
    html = page_of(client, siti)
    assert "Nama lengkap anak" in html and "Penolong persalinan" in html and "Jenis kelamin anak" in html
    assert "birth_attendant" not in html and "child_sex" not in html and "truth" not in html
    assert html.index("Nama lengkap anak") < html.index("Jenis kelamin anak") < html.index("Penolong persalinan")
    assert "Verifikator · Dinas Kependudukan" in html and verifier.username not in html


def test_labels_follow_the_readers_language(client, siti, application, verifier):
    record_officer_view(application, verifier)
    client.cookies["mpp_lang"] = "en"
    html = page_of(client, siti)
    assert "Child&#x27;s full name" in html and "Birth attended by" in html and "birth_attendant" not in html


def test_other_data_read_as_words_and_unknown_keys_readably(client, siti):
    record_data_access(
        subject_nik=SITI_NIK,
        kind=AccessKind.SSO_RELEASE,
        actor_label="Portal Perizinan",
        purpose="Masuk ke Portal Perizinan (SSO)",
        fields=["email", "email_verified", "shoe_size"],
        outcome="dikirim",
    )
    html = page_of(client, siti)
    assert "alamat surel" in html and "status verifikasi surel" in html and "shoe size" in html
    assert "email_verified" not in html and "shoe_size" not in html


def test_an_officers_reading_is_one_line_with_its_count(client, siti, application, verifier):
    officer_reads_and_decides(application, verifier)
    assert DataAccess.objects.filter(subject_nik=SITI_NIK, kind=AccessKind.OFFICER_VIEW).count() == 3  # kept raw
    html = page_of(client, siti)
    officer_lines = [line for line in lines(html) if "Dilihat petugas" in line]
    assert len(officer_lines) == 1
    assert "3 kali" in officer_lines[0]


def test_a_reading_hours_later_is_a_line_of_its_own(client, siti, application, verifier):
    earlier = record_officer_view(application, verifier)[0]
    DataAccess.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    record_officer_view(application, verifier)
    html = page_of(client, siti)
    assert len([line for line in lines(html) if "Dilihat petugas" in line]) == 2
    assert "kali, terakhir" not in html


def test_lines_are_grouped_under_their_application(client, siti, application, verifier):
    face_check()
    record_officer_view(application, verifier)
    html = page_of(client, siti)
    heading = f"Penerbitan Akta Kelahiran · {application.tracking_number}"
    assert heading in html and f'href="/permohonan/{application.tracking_number}/"' in html
    assert "Akun dan data pribadi Anda" in html
    sections = html.split("<section")[1:]
    assert len(sections) == 2
    assert "Dilihat petugas" in sections[0] and "Verifikasi wajah" not in sections[0]  # the newest first
    assert "Verifikasi wajah ke Dukcapil" in sections[1]


def test_a_purpose_naming_someone_elses_application_is_not_grouped_under_it(client, siti, budi, application):
    Application.objects.filter(pk=application.pk).update(applicant=budi)
    theirs = Application.objects.get(pk=application.pk)
    face_check(purpose=f"Pemeriksaan (permohonan {theirs.tracking_number})")
    html = page_of(client, siti)
    assert "Penerbitan Akta Kelahiran" not in html and f'href="/permohonan/{theirs.tracking_number}/"' not in html


def test_the_log_is_paged_25_at_a_time(client, siti):
    for number in range(30):
        face_check(purpose=f"Pemeriksaan ke-{number}")
    first = page_of(client, siti)
    assert len(lines(first)) == 25 and "30 penggunaan tercatat." in first
    assert "Halaman 1 dari 2" in first and 'href="?page=2" rel="next"' in first
    assert "Pemeriksaan ke-29" in first and not re.search(r"ke-4\b", first)  # newest first
    second = page_of(client, siti, "?page=2")
    assert len(lines(second)) == 5 and "Pemeriksaan ke-0" in second
    assert len(lines(page_of(client, siti, "?page=99"))) == 5  # past the end: the last page


def test_the_filter_shows_one_kind_and_keeps_it_across_pages(client, siti, application, verifier):
    record_officer_view(application, verifier)
    for number in range(26):
        face_check(purpose=f"Pemeriksaan ke-{number}")
    faces = page_of(client, siti, "?jenis=wajah")
    assert '<option value="wajah" selected>' in faces
    assert "Dilihat petugas</strong>" not in faces and len(lines(faces)) == 25
    assert 'href="?jenis=wajah&amp;page=2"' in faces
    officers = page_of(client, siti, "?jenis=petugas")
    assert len(lines(officers)) == 1 and "Verifikasi wajah ke Dukcapil" not in officers
    record_data_access(
        subject_nik=SITI_NIK, kind=AccessKind.REGISTRY_READ, actor_label="Loket MPP", purpose="Permohonan di loket"
    )
    registry = page_of(client, siti, "?jenis=registri")
    assert len(lines(registry)) == 1 and "Pembacaan data dari Dukcapil" in registry
    agencies = page_of(client, siti, "?jenis=instansi")
    assert lines(agencies) == [] and "Tidak ada penggunaan data jenis ini." in agencies
    everything = page_of(client, siti, "?jenis=bukan-jenis")  # an unknown kind: everything, nothing selected
    assert "28 penggunaan tercatat." in everything and '<option value="" selected>' not in everything
    assert not re.search(r'<option value="[a-z]+" selected>', everything)


def test_times_are_those_of_the_applications_region_and_labelled(client, siti, application, verifier, settings):
    settings.TIME_ZONE = "UTC"
    use = record_officer_view(application, verifier)[0]
    at = dt.datetime(2026, 12, 3, 5, 26, tzinfo=dt.UTC)  # 13.26 in Samarinda (WITA)
    DataAccess.objects.filter(pk=use.pk).update(created_at=at)
    html = page_of(client, siti)
    assert "3 Desember 2026, 13.26 WITA" in html and "05.26" not in html


def test_the_page_costs_a_fixed_number_of_queries(client, siti, application, verifier, django_assert_max_num_queries):
    record_officer_view(application, verifier)
    face_check()
    client.force_login(siti)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for number in range(40):
        face_check(purpose=f"Pemeriksaan ke-{number}")
        view = record_officer_view(application, verifier)[0]
        DataAccess.objects.filter(pk=view.pk).update(created_at=timezone.now() - dt.timedelta(hours=number + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
