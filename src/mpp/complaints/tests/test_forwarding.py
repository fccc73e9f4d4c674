"""Complaints forwarded to SP4N-LAPOR! (the simulator, its own process, over HTTP): exactly one report whatever
fails, its statuses on the complaint's timeline, reports filed at LAPOR! taken in, and signed callbacks."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from mpp.complaints import forwarding, services
from mpp.complaints.models import Channel, Complaint, Forwarding, Status, Step

from .conftest import file

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(days=1)


def _forwarded(reporter, manager, *, outside_remit=True):
    complaint = file(reporter, now=timezone.now())
    return services.forward_to_lapor(
        officer=manager, complaint_id=complaint.pk, version=complaint.version, outside_remit=outside_remit
    )


def _send_until_taken(tries=40):
    """The worker's runs, each as if its backoff had passed."""
    moment = timezone.now()
    for _ in range(tries):
        moment += LATER
        forwarding.forward_due(now=moment)
        if not Forwarding.objects.filter(state=Forwarding.State.QUEUED).exists():
            return
    pytest.fail("LAPOR! never took the complaint")


def test_with_half_the_calls_failing_exactly_one_report_is_made_and_its_statuses_reach_the_timeline(
    lapor, siti, samarinda_manager
):
    complaint = _forwarded(siti, samarinda_manager)
    assert complaint.status == Status.FORWARDED
    lapor.set_faults(error_rate=0.5, lost_answer_rate=0.25)
    _send_until_taken()
    lapor.clear_faults()
    complaint.refresh_from_db()
    reports = lapor.reports(reference=complaint.tracking_number)
    assert len(reports) == 1 and complaint.lapor_id == reports[0]["lapor_id"]
    assert Step.objects.filter(complaint=complaint, action="lapor_filed").count() == 1

    lapor.move_status(complaint.lapor_id, "verified")
    lapor.add_disposition(complaint.lapor_id, "Inspektorat Kota Samarinda", "Mohon ditindaklanjuti.")
    lapor.move_status(complaint.lapor_id, "in_followup")
    lapor.move_status(complaint.lapor_id, "completed", "Petugas telah diberi sanksi.")
    assert forwarding.poll_updates() >= 4
    assert forwarding.poll_updates() == 0  # read once
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.lapor_status == "completed"
    notes = list(Step.objects.filter(complaint=complaint, action="lapor_update").values_list("note", flat=True))
    assert len(notes) == 4 and "Inspektorat Kota Samarinda" in notes[1] and "sanksi" in notes[-1]


def test_lapor_down_keeps_the_forwarding_queued_and_tells_the_officer(client, settings, siti, samarinda_manager):
    settings.LAPOR_URL, settings.LAPOR_API_KEY = "http://127.0.0.1:9", "key"
    complaint = _forwarded(siti, samarinda_manager)
    assert forwarding.forward_due() == 0
    queued = Forwarding.objects.get(complaint=complaint)
    assert queued.state == Forwarding.State.QUEUED and queued.attempts == 1 and queued.last_error
    assert queued.next_attempt_at > timezone.now()
    client.force_login(samarinda_manager)
    page = client.get(reverse("complaints:officer_detail", args=[complaint.pk]))
    assert "belum dapat dihubungi" in page.text


def test_a_category_configured_for_lapor_is_forwarded_when_routed(lapor, siti, samarinda_manager, dukcapil):
    services.save_rule(
        region_id="64.72",
        category="illegal_fees",
        weight="complex",
        acknowledge_days=1,
        respond_days=3,
        resolve_days=14,
        forward_to_lapor=True,
    )
    complaint = file(siti, category="illegal_fees", now=timezone.now())
    assert Forwarding.objects.filter(complaint=complaint).exists()  # queued with the filing
    _send_until_taken()
    complaint.refresh_from_db()
    assert complaint.lapor_id and complaint.status == Status.RECEIVED  # still handled here too


def test_a_report_filed_at_lapor_for_our_region_becomes_a_complaint(lapor):
    report = lapor.file_at_lapor(
        agency="Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda", anonymous=True, reporter=None
    )
    forwarding.poll_updates()
    complaint = Complaint.objects.get(lapor_id=report["lapor_id"])
    assert complaint.channel == Channel.LAPOR and complaint.region_id == "64.72" and complaint.anonymous
    assert complaint.reporter_name == "" and complaint.status == Status.RECEIVED
    forwarding.poll_updates()
    assert Complaint.objects.filter(lapor_id=report["lapor_id"]).count() == 1


def _signed(secret: str, update: dict) -> tuple[bytes, dict]:
    body = json.dumps({"type": update["type"], "timestamp": update["at"], "data": update}).encode()
    moment = dt.datetime.now(dt.UTC)
    signature = Webhook(secret).sign(update["id"], moment, body.decode())
    headers = {
        "webhook-id": update["id"],
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
    }
    return body, headers


def test_a_signed_callback_is_applied_once_and_a_forged_one_refused(client, lapor, siti, samarinda_manager):
    complaint = _forwarded(siti, samarinda_manager)
    _send_until_taken()
    complaint.refresh_from_db()
    update = {
        "seq": 10_000,
        "id": str(uuid.uuid4()),
        "type": "report.status_changed",
        "lapor_id": complaint.lapor_id,
        "reference": complaint.tracking_number,
        "status": "verified",
        "note": "Laporan terverifikasi.",
        "agency": "",
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "report": None,
    }
    body, headers = _signed(lapor.webhook_secret, update)
    url = reverse("api-v1:lapor_callback")
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    assert client.post(url, body, content_type="application/json", **extra).status_code == 204
    assert client.post(url, body, content_type="application/json", **extra).status_code == 204  # a duplicate
    assert Step.objects.filter(complaint=complaint, action="lapor_update").count() == 1
    forged = body.replace(b"verified", b"completed")
    assert client.post(url, forged, content_type="application/json", **extra).status_code == 400
