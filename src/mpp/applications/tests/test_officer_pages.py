"""The officers' pages: the worklist, an application's file, claiming and acting through the forms."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mpp.applications import services
from mpp.applications.models import Application, Status
from mpp.audit.models import AccessKind, DataAccess
from mpp.audit.selectors import data_uses_about
from mpp.catalog.models import Service

from .conftest import SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db
WORKLIST = reverse("applications:worklist")


def submit(applicant, service, **changes) -> Application:
    return services.submit(
        # Worklist tests file the same request many times over, on purpose.
        applicant=applicant,
        service=service,
        data=birth_form(**changes),
        submit_key=new_key(),
        allow_duplicate=True,
    ).application


@pytest.fixture
def application(siti, birth_service):
    return submit(siti, birth_service)


def detail_url(application) -> str:
    return reverse("applications:officer_detail", args=[application.pk])


def act_url(application) -> str:
    return reverse("applications:act", args=[application.pk])


def post_act(client, application, action, version=None, note="", fields=(), confirm=False):
    version = application.version if version is None else version
    data = {"action": action, "version": version, "note": note, "fields": list(fields)}
    return client.post(act_url(application), {**data, "confirm": "yes"} if confirm else data)


def officer_views() -> int:
    return DataAccess.objects.filter(kind=AccessKind.OFFICER_VIEW).count()


# --- who may enter ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, application):
    for url in (WORKLIST, detail_url(application)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("identity:login"))


def test_a_citizen_gets_404(client, siti, application):
    client.force_login(siti)
    assert client.get(WORKLIST).status_code == 404
    assert client.get(detail_url(application)).status_code == 404
    assert post_act(client, application, "accept").status_code == 404
    assert Application.objects.get(pk=application.pk).version == 1


@pytest.mark.parametrize("outsider", ["surakarta_verifier", "health_verifier"])
def test_an_officer_of_another_region_or_agency_does_not_find_the_application(client, application, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    assert application.tracking_number not in client.get(WORKLIST).content.decode()
    assert client.get(detail_url(application)).status_code == 404
    assert post_act(client, application, "accept").status_code == 404
    claim = client.post(reverse("applications:claim", args=[application.pk]), {"version": 1})
    assert claim.status_code == 404
    assert officer_views() == 0
    assert Application.objects.get(pk=application.pk).version == 1


# --- the worklist ----------------------------------------------------------------------------


def test_the_worklist_shows_the_applications_waiting_for_the_officers_role(client, application, verifier, approver):
    client.force_login(verifier)
    page = client.get(WORKLIST).content.decode()
    assert application.tracking_number in page and detail_url(application) in page
    assert "Penerbitan Akta Kelahiran" in page and "Ayu Lestari Santoso" in page
    assert "Verifikasi berkas" in page and "Daring" in page and "belum diambil" in page
    assert "WITA" in page
    client.force_login(approver)  # not their step yet
    assert application.tracking_number not in client.get(WORKLIST).content.decode()


def test_the_worklist_flags_an_overdue_step_in_words(client, application, verifier):
    Application.objects.filter(pk=application.pk).update(step_due_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(verifier)
    page = client.get(WORKLIST).content.decode()
    assert "terlambat" in page and 'class="card overdue"' in page


def test_the_worklist_filters_mine_overdue_and_service(client, siti, birth_service, verifier):
    mine, late, other = (submit(siti, birth_service) for _ in range(3))
    services.claim(application_id=mine.pk, officer=verifier, expected_version=1)
    Application.objects.filter(pk=late.pk).update(step_due_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(verifier)

    def shown(**query):
        page = client.get(WORKLIST, query).content.decode()
        return {a.tracking_number for a in (mine, late, other) if a.tracking_number in page}

    assert shown() == {mine.tracking_number, late.tracking_number, other.tracking_number}
    assert shown(mine="1") == {mine.tracking_number}
    assert shown(overdue="1") == {late.tracking_number}
    assert len(shown(service=str(birth_service.pk))) == 3
    assert "oleh Anda" in client.get(WORKLIST, {"mine": "1"}).content.decode()


def test_a_service_outside_the_officers_agencies_is_refused_as_a_filter(client, application, verifier):
    elsewhere = Service.objects.exclude(agency=application.agency).first()
    client.force_login(verifier)
    for value in (str(elsewhere.pk), "not-a-uuid"):
        response = client.get(WORKLIST, {"service": value, "order": "sideways", "page": "x"})
        assert response.status_code == 200
        page = response.content.decode()
        assert application.tracking_number in page  # the bad filter is left out, and said so
        assert 'role="alert"' in page


def test_the_worklist_orders_by_step_deadline_or_submission(client, siti, birth_service, verifier):
    first, second = submit(siti, birth_service), submit(siti, birth_service)
    now = timezone.now()
    Application.objects.filter(pk=first.pk).update(step_due_at=now + dt.timedelta(days=3))
    Application.objects.filter(pk=second.pk).update(step_due_at=now + dt.timedelta(days=1))
    client.force_login(verifier)

    def order(value):
        page = client.get(WORKLIST, {"order": value}).content.decode()
        return sorted((first, second), key=lambda a: page.index(a.tracking_number))

    assert order("due") == [second, first]
    assert order("-due") == [first, second]
    assert order("submitted") == [first, second]
    assert order("-submitted") == [second, first]


def test_the_worklist_costs_the_same_queries_for_3_or_30_rows(
    client, siti, birth_service, verifier, second_verifier, django_assert_max_num_queries
):
    made = [submit(siti, birth_service) for _ in range(3)]
    services.claim(application_id=made[0].pk, officer=second_verifier, expected_version=1)
    client.force_login(verifier)
    client.get(WORKLIST)  # warm the session
    with django_assert_max_num_queries(8) as few:
        page = client.get(WORKLIST).content.decode()
    assert page.count('<li class="card') == 3 and "oleh verifikator2.samarinda" in page
    for _ in range(27):
        submit(siti, birth_service)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(WORKLIST).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count('<li class="card') == 25 and "Halaman 1 dari 2" in page and "?page=2" in page


# --- an application's file -------------------------------------------------------------------


def test_the_file_shows_the_data_its_provenance_the_checklist_and_the_actions(client, application, verifier):
    client.force_login(verifier)
    response = client.get(detail_url(application))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nama lengkap anak" in page and "Ayu Lestari Santoso" in page
    assert "Perempuan" in page  # a choice by its label
    assert "Dukcapil Kemendagri" in page and "terkunci · dari database kependudukan" in page
    assert "Diambil otomatis" in page and "Data kependudukan Dukcapil (SIAK Terpusat)" in page
    assert "diserahkan pemohon" in page and "Surat keterangan kelahiran" in page
    assert "Permohonan diajukan" in page and "WITA" in page
    assert page.count('name="action"') == 3 and f'name="version" value="{application.version}"' in page
    assert 'value="birth_letter"' in page and 'value="kk_number"' not in page  # registry values are not flagged
    assert "Ambil" in page


def test_viewing_a_file_is_recorded_for_the_citizen(client, application, verifier):
    client.force_login(verifier)
    client.get(detail_url(application))
    uses = [use for use in data_uses_about(SITI_NIK) if use.kind == AccessKind.OFFICER_VIEW]
    assert len(uses) == 1
    use = uses[0]
    assert use.actor == verifier and use.outcome == "dilihat"
    assert use.actor_label.startswith("Verifikator · Dinas Kependudukan")
    assert verifier.username not in use.actor_label
    assert use.purpose == f"Memproses permohonan {application.tracking_number}"
    assert {"child_name", "kk_number", "birth_letter"} <= set(use.fields)


def test_the_file_reads_in_english(client, application, verifier):
    client.force_login(verifier)
    client.cookies["mpp_lang"] = "en"
    page = client.get(detail_url(application)).content.decode()
    assert "Child&#x27;s full name" in page and "Female" in page
    assert "Application data" in page and "locked · from the population registry" in page
    assert "Ask for changes" in page and "Other parent" in page
    assert "Nearest step deadline first" in client.get(WORKLIST).content.decode()
    # What the citizen reads stays in Indonesian whatever the officer's language.
    assert data_uses_about(SITI_NIK).filter(kind=AccessKind.OFFICER_VIEW).get().purpose.startswith("Memproses")


# --- acting ----------------------------------------------------------------------------------


def test_verify_then_approve_through_the_forms(client, application, verifier, approver):
    client.force_login(verifier)
    response = post_act(client, application, "accept")
    assert response.status_code == 302 and response.url == detail_url(application)
    application.refresh_from_db()
    assert (application.status, application.step) == (Status.IN_PROGRESS, "approval")
    assert "Tindakan dicatat" in client.get(response.url).content.decode()

    client.force_login(approver)
    assert post_act(client, application, "approve").status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert 'name="action"' not in client.get(detail_url(application)).content.decode()


def test_a_revision_names_the_fields_to_fix(client, application, verifier):
    client.force_login(verifier)
    response = post_act(client, application, "revise", note="Surat tidak terbaca.", fields=["birth_letter"])
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REVISION and application.revision_fields == ["birth_letter"]
    assert "perlu diperbaiki" in client.get(detail_url(application)).content.decode()


def test_claiming_shows_who_holds_it_and_keeps_others_out(client, application, verifier, second_verifier):
    client.force_login(verifier)
    response = client.post(reverse("applications:claim", args=[application.pk]), {"version": 1})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).assignee == verifier
    client.force_login(second_verifier)
    page = client.get(detail_url(application)).content.decode()
    assert "oleh verifikator.samarinda" in page and 'name="action"' not in page
    assert post_act(client, application, "accept", version=2).status_code == 409


def test_a_stale_version_answers_409_with_the_message(client, application, verifier):
    client.force_login(verifier)
    response = post_act(client, application, "accept", version=0)
    assert response.status_code == 409
    assert "baru saja diubah petugas lain" in response.content.decode()
    assert Application.objects.get(pk=application.pk).version == 1


def test_the_second_of_two_officers_gets_409(client, application, verifier, second_verifier):
    client.force_login(verifier)
    assert post_act(client, application, "accept", version=1).status_code == 302
    client.force_login(second_verifier)
    response = post_act(client, application, "reject", version=1, note="Tidak lengkap", confirm=True)
    assert response.status_code == 409
    page = response.content.decode()
    assert "baru saja diubah petugas lain" in page
    assert Application.objects.get(pk=application.pk).step == "approval"


def test_a_missing_reason_answers_400_and_keeps_what_was_typed(client, application, verifier):
    client.force_login(verifier)
    response = post_act(client, application, "reject", note="   ", confirm=True)
    assert response.status_code == 400
    assert "Tuliskan alasannya untuk pemohon." in response.content.decode()

    response = post_act(client, application, "revise", note="", fields=["birth_letter", "child_name"])
    page = response.content.decode()
    assert response.status_code == 400 and "Tuliskan alasannya untuk pemohon." in page
    assert 'id="flag-revise-birth_letter" checked' in page and 'id="flag-revise-child_name" checked' in page
    assert 'id="flag-revise-birth_place" checked' not in page

    response = post_act(client, application, "revise", note="Perbaiki nama anak.", fields=[])
    assert response.status_code == 400 and "Perbaiki nama anak." in response.content.decode()
    assert Application.objects.get(pk=application.pk).version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "accept", "version": "satu"}, "Muat ulang halaman"),
        ({"action": "accept"}, "Muat ulang halaman"),
        ({"action": "launch", "version": "1"}, "tidak tersedia"),
        ({"action": "revise", "version": "1", "note": "x", "fields": ["no_such_field"]}, "Pilih isian"),
        ({"action": "revise", "version": "1", "note": "x", "fields": ["kk_number"]}, "Pilih isian"),
        ({"action": "accept", "version": "1", "note": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_answers_400_with_a_message(client, application, verifier, data, message):
    client.force_login(verifier)
    response = client.post(act_url(application), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.get(pk=application.pk).version == 1


def test_an_officer_whose_role_does_not_act_at_the_step_is_told_so(client, application, approver):
    client.force_login(approver)
    page = client.get(detail_url(application)).content.decode()
    assert 'name="action"' not in page and "Ambil</button>" not in page
    response = post_act(client, application, "accept")
    assert response.status_code == 400 and "bukan tugas peran Anda" in response.content.decode()
    claim = client.post(reverse("applications:claim", args=[application.pk]), {"version": "x"})
    assert claim.status_code == 400


def test_actions_need_post_and_csrf(application, verifier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(verifier)
    assert client.get(act_url(application)).status_code == 405
    assert client.post(act_url(application), {"action": "accept", "version": 1}).status_code == 403
    assert Application.objects.get(pk=application.pk).version == 1


def test_an_officer_checks_the_registry_with_a_reason_the_citizen_sees(client, verifier, siti, birth_service, dukcapil):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    client.force_login(verifier)
    url = f"/petugas/permohonan/{application.pk}/kependudukan/"
    short = client.post(url, {"reason": "cek"})
    assert short.status_code == 400 and "paling sedikit 10 karakter" in short.content.decode()
    assert not DataAccess.objects.filter(kind=AccessKind.REGISTRY_READ).exists()
    client.post(url, {"reason": "Nama ibu di surat lahir berbeda"})
    lookup = DataAccess.objects.get(kind=AccessKind.REGISTRY_READ)
    assert lookup.subject_nik == siti.nik
    assert lookup.purpose == f"Nama ibu di surat lahir berbeda (permohonan {application.tracking_number})"
    assert lookup.actor_label.startswith("Verifikator · ")


def test_another_agencys_officer_cannot_look_up_the_applicant(client, health_verifier, siti, birth_service):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    client.force_login(health_verifier)
    response = client.post(f"/petugas/permohonan/{application.pk}/kependudukan/", {"reason": "Ingin tahu saja ya"})
    assert response.status_code == 404
    assert not DataAccess.objects.filter(kind=AccessKind.REGISTRY_READ).exists()


def test_the_approver_assigns_from_the_page(client, approver, second_verifier, siti, birth_service):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    client.force_login(approver)
    page = client.get(f"/petugas/permohonan/{application.pk}/").content.decode()
    assert "Tugaskan kepada" in page and second_verifier.username in page
    response = client.post(
        f"/petugas/permohonan/{application.pk}/tugaskan/", {"version": "1", "officer": str(second_verifier.pk)}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.assignee == second_verifier
    stale = client.post(f"/petugas/permohonan/{application.pk}/tugaskan/", {"version": "1", "officer": "x"})
    assert stale.status_code == 409
