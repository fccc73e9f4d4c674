"""The MPP manager's index page and follow-up plan, and the exports: own region only; the ministry exports all."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from mpp.surveys import refresh, services
from mpp.surveys.models import ActionStatus, FollowUpAction

from .conftest import answers, make_application, service_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(citizen):
    when = timezone.now() - dt.timedelta(days=2)
    for values, suggestion in (
        ((4, 3, 3, 4, 3, 4, 4, 3, 3), "Tolong tambah kursi tunggu."),
        ((3, 3, 2, 4, 3, 3, 4, 2, 3), ""),
    ):
        application = make_application(citizen, submitted_at=when - dt.timedelta(days=1), decided_at=when)
        services.answer_application(application=application, values=answers(values, suggestion=suggestion), now=when)
    surakarta = service_of(region="33.72")
    application = make_application(
        citizen, service=surakarta, submitted_at=when - dt.timedelta(days=1), decided_at=when
    )
    services.answer_application(application=application, values=answers((2,) * 9), now=when)
    refresh.refresh()


def _plan(period: str) -> dict:
    return {
        "period": period,
        "element": "u8",
        "action": "Petugas pengaduan di setiap lantai MPP.",
        "unit": "DPMPTSP · Bidang Pengaduan",
        "target_date": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
    }


def test_the_manager_reads_the_index_weakest_elements_and_suggestions(client, rated, samarinda_manager, citizen):
    client.force_login(samarinda_manager)
    page = client.get("/pengelola/ikm/").content.decode()
    assert "Kota Samarinda" in page and "Unsur terlemah" in page
    weakest = page[page.index("Unsur terlemah") : page.index("Rencana tindak lanjut")]
    # U3 and U8 both average 2,50 over the two answers (a tie goes in the regulation's order), then U2 3,00.
    assert weakest.index("U3 Waktu") < weakest.index("U8 Penanganan") < weakest.index("U2 Sistem")
    assert "Tolong tambah kursi tunggu." in page and citizen.nik not in page
    assert "/pengelola/ikm/unduh.xlsx?wilayah=64.72" in page


def test_the_manager_records_an_action_and_moves_it_along(client, rated, samarinda_manager):
    client.force_login(samarinda_manager)
    period = f"{timezone.localdate().year}-S{1 if timezone.localdate().month <= 6 else 2}"
    response = client.post("/pengelola/ikm/?wilayah=64.72", _plan(period))
    assert response.status_code == 302
    action = FollowUpAction.objects.get()
    assert (action.region_id, action.period, action.element, action.recorded_by) == (
        "64.72",
        period,
        "u8",
        samarinda_manager,
    )
    assert "Petugas pengaduan di setiap lantai MPP." in client.get("/ikm/64.72/").content.decode()

    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"status": "done"}).status_code == 302
    assert FollowUpAction.objects.get().status == ActionStatus.DONE
    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"status": "lost"}).status_code == 400
    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"intent": "remove"}).status_code == 302
    assert not FollowUpAction.objects.exists()


def test_an_incomplete_action_is_a_400_with_field_errors(client, samarinda_manager):
    client.force_login(samarinda_manager)
    body = _plan(f"{timezone.localdate().year}") | {"action": "", "target_date": "besok"}
    response = client.post("/pengelola/ikm/", body)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tuliskan tindak lanjutnya." in page and "Tulis tanggal sebagai TTTT-BB-HH." in page
    assert not FollowUpAction.objects.exists()


def test_another_regions_manager_gets_404_on_the_page_the_plan_and_the_export(
    client, rated, samarinda_manager, surakarta_manager
):
    client.force_login(samarinda_manager)
    period = f"{timezone.localdate().year}"
    client.post("/pengelola/ikm/", _plan(period))
    action = FollowUpAction.objects.get()
    client.force_login(surakarta_manager)
    assert client.get("/pengelola/ikm/?wilayah=64.72").status_code == 404
    assert client.post("/pengelola/ikm/?wilayah=64.72", _plan(period)).status_code == 404
    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"status": "done"}).status_code == 404
    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"intent": "remove"}).status_code == 404
    assert client.get("/pengelola/ikm/unduh.csv?wilayah=64.72").status_code == 404
    assert FollowUpAction.objects.get().status == ActionStatus.PLANNED
    assert client.get("/pengelola/ikm/").status_code == 200  # their own


def test_citizens_officers_and_the_ministry_do_not_keep_a_regions_plan(
    client, citizen, verifier, ministry, samarinda_manager
):
    client.force_login(samarinda_manager)
    client.post("/pengelola/ikm/", _plan(f"{timezone.localdate().year}"))
    action = FollowUpAction.objects.get()
    client.logout()
    assert client.get("/pengelola/ikm/").status_code == 302  # anonymous: sign in first
    assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"status": "done"}).status_code == 302
    for user in (citizen, verifier, ministry):
        client.force_login(user)
        assert client.get("/pengelola/ikm/").status_code == 404
        assert client.post("/pengelola/ikm/", _plan("2026")).status_code == 404
        assert client.post(f"/pengelola/ikm/tindak-lanjut/{action.pk}/", {"status": "done"}).status_code == 404
    assert FollowUpAction.objects.get().status == ActionStatus.PLANNED
    client.force_login(citizen)
    assert client.get("/pengelola/ikm/unduh.csv").status_code == 404


def test_the_manager_exports_their_region_as_csv_without_any_respondent(client, rated, samarinda_manager, citizen):
    client.force_login(samarinda_manager)
    response = client.get("/pengelola/ikm/unduh.csv", {"wilayah": "64.72"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Kode wilayah", "Kabupaten/kota", "Tingkat"] and "IKM" in rows[0]
    region = rows[1]
    assert region[0] == "64.72" and region[2] == "Daerah" and "80.56" in region and "B" in region
    assert {row[0] for row in rows[1:]} == {"64.72"}  # not Surakarta
    assert "Tolong tambah kursi tunggu." not in body and citizen.nik not in body


def test_the_ministry_exports_every_region_as_xlsx(client, rated, ministry):
    client.force_login(ministry)
    national = client.get("/ikm/").content.decode()
    assert "/pengelola/ikm/unduh.xlsx" in national
    response = client.get("/pengelola/ikm/unduh.xlsx", {"periode": "12-bulan"})
    assert response.status_code == 200 and "ikm-nasional" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    regions = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert regions == {"64.72", "33.72"}
    assert client.get("/pengelola/ikm/unduh.xlsx", {"periode": "kemarin"}).status_code == 400


def test_the_staff_menu_leads_the_manager_to_the_page(client, samarinda_manager):
    client.force_login(samarinda_manager)
    assert 'href="/pengelola/ikm/"' in client.get("/pengelola/ikm/").content.decode()
