"""A region's manager fills in the report: autosave, bad input as field errors, their own region only, and a
submitted report locked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mpp.core.errors import Conflict, NotFound
from mpp.identity.tests.factories import make_citizen
from mpp.monitoring import services
from mpp.monitoring.models import Obstacle, ReportStatus

from .conftest import PDF, PNG, decree_pdf, fill, is_linked, report_of

pytestmark = pytest.mark.django_db


def page_url(monev_round, region: str = "") -> str:
    url = reverse("monitoring:manager_report", args=[monev_round.pk])
    return f"{url}?wilayah={region}" if region else url


def draft_url(monev_round) -> str:
    return reverse("monitoring:draft", args=[monev_round.pk])


def form(**changes) -> dict:
    return {
        "version": 0,
        "wilayah": "64.72",
        "intent": "save",
        "decree_number": "",
        "decree_date": "",
        "population_applicants_outside": "",
        "health_permit_applicants_outside": "",
        "population_processed_outside": "",
        "health_permits_issued_outside": "",
        "usage_efforts": "",
        "ikd_sisdmk_efforts": "",
        "suggestions": "",
        "obstacle_category": ["", "", ""],
        "obstacle_text": ["", "", ""],
        **changes,
    }


def test_the_manager_sees_her_regions_rounds_and_the_form_with_the_platform_figures_locked(client, monev_round, alice):
    client.force_login(alice)
    listing = client.get(reverse("monitoring:manager_reports")).content.decode()
    assert monev_round.title in listing and "Kota Surakarta" not in listing
    page = client.get(page_url(monev_round))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["report"].region_id == "64.72"
    assert 'name="population_applicants"' not in html  # shown, never typed
    assert 'name="population_applicants_outside"' in html
    assert f'hx-post="{draft_url(monev_round)}"' in html
    for name in ("decree_number", "usage_efforts", "suggestions"):
        assert f'<label for="id_{name}">' in html
    assert '<label for="obstacle-1-category">' in html and '<label for="obstacle-1-text">' in html


def test_the_draft_saves_as_she_types_and_names_what_is_not_valid_yet(client, monev_round, alice):
    client.force_login(alice)
    answer = client.post(
        draft_url(monev_round),
        form(
            usage_efforts="Sosialisasi di pasar.",
            population_processed_outside="12",
            health_permits_issued_outside="-3",
            obstacle_category=["regulasi", "", ""],
            obstacle_text=["Perbup belum terbit.", "", ""],
        ),
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and text.startswith("Draf tersimpan pukul") and "WITA" in text
    assert "Jumlah tidak boleh negatif." in text
    report = report_of(monev_round, "64.72")
    assert (report.usage_efforts, report.population_processed_outside) == ("Sosialisasi di pasar.", 12)
    assert report.health_permits_issued_outside == 0  # left as it was
    assert list(report.obstacles.values_list("category", "text")) == [("regulasi", "Perbup belum terbit.")]
    assert report.status == ReportStatus.DRAFT and report.version == 0  # a draft save is not a move


def test_an_obstacle_typed_before_its_category_is_chosen_is_kept_in_the_draft(client, monev_round, alice):
    client.force_login(alice)
    client.post(draft_url(monev_round), form(obstacle_text=["Server sering mati.", "", ""]))
    assert list(Obstacle.objects.values_list("category", "text")) == [("", "Server sering mati.")]
    response = client.post(page_url(monev_round, "64.72"), form(intent="submit", obstacle_text=["Server.", "", ""]))
    assert response.status_code == 400
    assert response.context["errors"]["obstacle-1-category"] == "Pilih kategori kendala."
    assert is_linked(response.content.decode(), "obstacle-1-category_error")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Jumlah tidak boleh negatif."),
        ("3,5", "Isi dengan bilangan bulat, misalnya 12."),
        ("dua belas", "Isi dengan bilangan bulat, misalnya 12."),
        ("99999999999", "Jumlah ini terlalu besar."),
    ],
)
def test_a_count_that_is_not_a_whole_number_from_zero_is_a_field_error(client, monev_round, alice, value, message):
    client.force_login(alice)
    response = client.post(page_url(monev_round, "64.72"), form(population_applicants_outside=value, suggestions="x"))
    assert response.status_code == 400
    assert response.context["form"].errors["population_applicants_outside"] == [message]
    assert is_linked(response.content.decode(), "id_population_applicants_outside_error")
    assert report_of(monev_round, "64.72").suggestions == ""  # nothing saved


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("sk.pdf", PNG, content_type="application/pdf"), "SK harus berupa berkas PDF"),
        (SimpleUploadedFile("sk.pdf", b"bukan pdf", content_type="application/pdf"), "SK harus berupa berkas PDF"),
        (SimpleUploadedFile("sk.pdf", PDF[:20], content_type="application/pdf"), "rusak"),
    ],
)
def test_a_decree_that_is_not_a_pdf_is_a_field_error(client, monev_round, alice, upload, message):
    client.force_login(alice)
    response = client.post(page_url(monev_round, "64.72"), form(decree_file=upload))
    assert response.status_code == 400
    assert message in response.context["form"].errors["decree_file"][0]
    assert is_linked(response.content.decode(), "id_decree_file_error")
    assert report_of(monev_round, "64.72").decree_file_id is None


def test_an_incomplete_report_is_saved_but_not_sent_and_what_is_missing_is_marked(client, monev_round, alice):
    client.force_login(alice)
    response = client.post(page_url(monev_round, "64.72"), form(intent="submit", usage_efforts="Sudah diisi."))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"decree_number", "decree_date", "decree_file", "ikd_sisdmk_efforts", "suggestions"}
    assert errors["decree_file"] == ["Unggah SK Pengelola MPP Digital (PDF)."]
    assert is_linked(response.content.decode(), "id_decree_number_error")
    report = report_of(monev_round, "64.72")
    assert (report.status, report.usage_efforts) == (ReportStatus.DRAFT, "Sudah diisi.")


def test_a_complete_report_is_sent_with_its_figures_frozen_and_the_decree_kept(client, monev_round, alice):
    client.force_login(alice)
    response = client.post(
        page_url(monev_round, "64.72"),
        form(
            intent="submit",
            decree_number="100/1/2026",
            decree_date="2026-01-15",
            decree_file=decree_pdf(),
            usage_efforts="a",
            ikd_sisdmk_efforts="b",
            suggestions="c",
        ),
    )
    assert response.status_code == 302
    report = report_of(monev_round, "64.72")
    assert report.status == ReportStatus.SUBMITTED and report.version == 1
    assert report.platform_figures == dict.fromkeys(
        ("population_applicants", "health_permit_applicants", "population_processed", "health_permits_issued"), 0
    )
    assert report.decree_file.content_type == "application/pdf" and report.decree_file.owner == alice
    page = client.get(page_url(monev_round)).content.decode()
    assert "sudah dikirim dan terkunci" in page and 'name="decree_number"' not in page
    assert list(report.history.values_list("action", "actor_id")) == [("submit", alice.pk)]


def test_a_manager_cannot_see_or_save_another_regions_report(client, monev_round, alice, bob):
    surakarta = report_of(monev_round, "33.72")
    client.force_login(alice)
    assert client.get(page_url(monev_round, "33.72")).status_code == 404
    assert client.post(page_url(monev_round, "33.72"), form(wilayah="33.72", suggestions="x")).status_code == 404
    assert client.post(draft_url(monev_round), form(wilayah="33.72", suggestions="x")).status_code == 404
    assert client.get(reverse("monitoring:decree", args=[surakarta.pk])).status_code == 404
    with pytest.raises(NotFound):
        services.save_draft(manager=alice, report_id=surakarta.pk, expected_version=0, values={"suggestions": "x"})
    with pytest.raises(NotFound):
        services.submit_report(manager=alice, report_id=surakarta.pk, expected_version=0)
    surakarta.refresh_from_db()
    assert surakarta.suggestions == ""


def test_a_round_that_did_not_ask_her_region_is_not_found(client, ministry, alice):
    import datetime as dt

    other = services.open_round(
        opened_by=ministry,
        title="Hanya Surakarta",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        deadline=dt.date(2026, 12, 31),
        region_codes={"33.72"},
    )
    client.force_login(alice)
    assert client.get(page_url(other)).status_code == 404


def test_the_ministry_and_citizens_do_not_reach_the_managers_pages(client, monev_round, ministry):
    for outsider in (ministry, make_citizen("6472035204900001")):
        client.force_login(outsider)
        assert client.get(page_url(monev_round, "64.72")).status_code == 404
        assert client.post(draft_url(monev_round), form()).status_code == 404
    client.logout()
    assert client.get(page_url(monev_round)).status_code == 302


def test_a_submitted_report_cannot_be_edited(client, monev_round, alice):
    report = fill(report_of(monev_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=report.pk, expected_version=0)
    client.force_login(alice)
    saved = client.post(page_url(monev_round, "64.72"), form(version=1, suggestions="diubah"))
    assert saved.status_code == 409 and "sudah dikirim" in saved.context["alert"]
    autosaved = client.post(draft_url(monev_round), form(version=1, suggestions="diubah"))
    assert autosaved.status_code == 409 and autosaved["HX-Refresh"] == "true"
    with pytest.raises(Conflict):
        services.save_draft(manager=alice, report_id=report.pk, expected_version=1, values={"suggestions": "x"})
    with pytest.raises(Conflict):
        services.submit_report(manager=alice, report_id=report.pk, expected_version=1)
    report.refresh_from_db()
    assert report.suggestions == "Tambah pelatihan petugas." and report.history.count() == 1


def test_acting_on_a_stale_page_is_refused_with_a_message(client, monev_round, alice, ministry):
    report = fill(report_of(monev_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=report.pk, expected_version=0)
    services.return_report(reviewer=ministry, report_id=report.pk, note="Lengkapi SK.", expected_version=1)
    client.force_login(alice)
    # A tab opened before the submission still carries version 0: editable again, but not on that page.
    stale = client.post(page_url(monev_round, "64.72"), form(version=0, intent="submit", suggestions="lama"))
    assert stale.status_code == 409 and "Muat ulang" in stale.context["alert"]
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.suggestions == "Tambah pelatihan petugas."


def test_her_decree_is_hers_and_the_ministrys_to_download(client, monev_round, alice, bob, ministry):
    report = fill(report_of(monev_round, "64.72"), alice)
    url = reverse("monitoring:decree", args=[report.pk])
    for reader in (alice, ministry):
        client.force_login(reader)
        answer = client.get(url)
        assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
        assert answer["Content-Disposition"].startswith("attachment;")
    for outsider in (bob, make_citizen("6472035204900001")):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_her_list_of_reports_takes_a_constant_number_of_queries(
    client, monev_round, alice, ministry, django_assert_max_num_queries
):
    import datetime as dt

    for number in range(5):
        services.open_round(
            opened_by=ministry,
            title=f"Putaran {number}",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
            deadline=dt.date(2026, 12, 31),
            region_codes={"64.72"},
        )
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("monitoring:manager_reports"))
    assert len(page.context["reports"]) == 6
