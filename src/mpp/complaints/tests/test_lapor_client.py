"""The platform's SP4N-LAPOR! client against the real simulator over HTTP: filing once per key
whatever fails, refusals, polling, and the callbacks' signatures."""

import base64
import itertools
import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from standardwebhooks import Webhook

from mpp.complaints.lapor import (
    CATEGORIES,
    STATUS_LABELS,
    STATUSES,
    Filed,
    InvalidCallback,
    LaporRefused,
    LaporUnavailable,
    Update,
    file_report,
    updates_after,
    verify_callback,
)
from simulators.lapor import lifecycle
from simulators.lapor.testing import TEST_API_KEY, TEST_WEBHOOK_SECRET, receiving_callbacks, running_lapor

OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-lapor-signs-with!").decode()
_numbers = itertools.count(1)


def complaint(**fields) -> dict:
    """file_report's arguments for a complaint no other test files: its own key and reference."""
    number = next(_numbers)
    return {
        "key": str(uuid.uuid4()),
        "reference": f"ADU-6472-2612-{number:06d}-{uuid.uuid4().hex[:6]}",
        "title": "Petugas loket meminta uang tambahan",
        "content": "Saat mengurus izin usaha, petugas meminta Rp150.000 di luar tarif resmi.",
        "category": "illegal_fees",
        "region_code": "64.72",
        "agency": "DPMPTSP Kota Samarinda",
        "anonymous": False,
        "confidential": True,
        "reporter": {"name": "Siti Rahmawati", "contact": "siti@example.id"},
        "attachments": 1,
        "occurred_on": date(2026, 11, 30),
        **fields,
    }


def newest_seq() -> int:
    """The seq after which only what this test does comes (the simulator is shared by the session)."""
    seq = 0
    while True:
        updates, seq = updates_after(seq, limit=500)
        if len(updates) < 500:
            return seq


# -- filing --------------------------------------------------------------------------------------


def test_filing_twice_with_the_same_key_makes_one_report(lapor):
    arguments = complaint()
    first = file_report(**arguments)
    assert first.status == "received" and first.lapor_id.startswith("LAPOR-")
    assert file_report(**arguments) == first
    [stored] = lapor.reports(reference=arguments["reference"])
    assert stored["lapor_id"] == first.lapor_id
    assert stored["occurred_on"] == "2026-11-30" and stored["reporter"] == arguments["reporter"]


def test_retrying_while_lapor_fails_half_the_time_files_each_complaint_exactly_once(lapor, settings):
    settings.LAPOR_TIMEOUT_SECONDS = 0.3  # a lost answer costs the client its timeout, not the simulator's hang
    lapor.set_faults(error_rate=0.5, lost_answer_rate=0.5)
    failures, filed = 0, []
    for arguments in [complaint() for _ in range(8)]:
        for _attempt in range(60):
            try:
                filed.append((arguments["reference"], file_report(**arguments)))
                break
            except LaporUnavailable:
                failures += 1
        else:
            pytest.fail("LAPOR! never took the complaint")
    assert failures > 0  # the faults were on: these were retries
    for reference, answer in filed:
        [stored] = lapor.reports(reference=reference)
        assert stored["lapor_id"] == answer.lapor_id


def test_a_lost_answer_is_unavailable_and_the_retry_finds_the_report_it_made(lapor, settings):
    settings.LAPOR_TIMEOUT_SECONDS = 0.3
    lapor.set_faults(lost_answer_rate=1)
    arguments = complaint()
    with pytest.raises(LaporUnavailable, match="ReadTimeout"):
        file_report(**arguments)
    [stored] = lapor.reports(reference=arguments["reference"])
    assert file_report(**arguments) == Filed(lapor_id=stored["lapor_id"], status="received")
    assert len(lapor.reports(reference=arguments["reference"])) == 1


def test_lapor_failing_is_unavailable_with_the_status(lapor):
    lapor.set_faults(error_rate=1)
    with pytest.raises(LaporUnavailable, match="HTTP 503"):
        file_report(**complaint())
    with pytest.raises(LaporUnavailable, match="HTTP 503"):
        updates_after(0)


def test_the_same_key_with_another_complaint_is_refused(lapor):
    arguments = complaint()
    file_report(**arguments)
    with pytest.raises(LaporRefused) as refused:
        file_report(**{**arguments, "title": "Judul yang lain"})
    assert refused.value.status == 422 and refused.value.code == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "title must be a non-empty string"),
        ({"category": "corruption"}, "category must be one of"),
        ({"anonymous": True}, "reporter must be null for an anonymous report"),
    ],
)
def test_a_complaint_lapor_cannot_take_is_refused_with_its_message(lapor, fields, message):
    with pytest.raises(LaporRefused, match=message) as refused:
        file_report(**complaint(**fields))
    assert refused.value.code == "invalid_body" and message in refused.value.message


def test_an_anonymous_complaint_goes_without_its_reporter(lapor):
    arguments = complaint(anonymous=True, reporter=None, occurred_on=None)
    file_report(**arguments)
    [stored] = lapor.reports(reference=arguments["reference"])
    assert stored["anonymous"] is True and stored["reporter"] is None and stored["occurred_on"] is None


def test_a_wrong_api_key_is_refused(lapor, settings):
    settings.LAPOR_API_KEY = "not-the-key-of-mpp-digital"
    with pytest.raises(LaporRefused) as refused:
        file_report(**complaint())
    assert refused.value.status == 401


@pytest.mark.parametrize("setting", ["LAPOR_URL", "LAPOR_API_KEY"])
def test_without_configuration_lapor_is_unavailable(settings, setting):
    setattr(settings, setting, "")
    with pytest.raises(LaporUnavailable, match="not configured"):
        file_report(**complaint())
    with pytest.raises(LaporUnavailable, match="not configured"):
        updates_after(0)


def test_an_unreachable_lapor_is_unavailable(settings):
    from simulators.processes import free_port

    settings.LAPOR_URL, settings.LAPOR_API_KEY = f"http://127.0.0.1:{free_port()}", TEST_API_KEY
    with pytest.raises(LaporUnavailable, match="ConnectError"):
        file_report(**complaint())


# -- polling -------------------------------------------------------------------------------------


def test_polling_returns_the_updates_after_a_status_move(lapor):
    mark = newest_seq()
    arguments = complaint()
    filed = file_report(**arguments)
    assert updates_after(mark) == ([], mark)  # filing is answered, not an update
    verified = lapor.move_status(filed.lapor_id, "verified")
    lapor.add_disposition(filed.lapor_id, "Disdukcapil Kota Samarinda", "Mohon segera ditindaklanjuti.")
    updates, last = updates_after(mark)
    assert [(u.type, u.status) for u in updates] == [
        ("report.status_changed", "verified"),
        ("report.disposition", "dispositioned"),
    ]
    first, handed = updates
    assert first.id == verified["id"] and first.seq == verified["seq"] and last == handed.seq > first.seq
    assert first.lapor_id == filed.lapor_id and first.reference == arguments["reference"] and first.report is None
    assert handed.agency == "Disdukcapil Kota Samarinda" and handed.note == "Mohon segera ditindaklanjuti."
    assert first.at.tzinfo is not None and abs(datetime.now(UTC) - first.at) < timedelta(minutes=1)
    assert updates_after(mark, limit=1) == ([first], first.seq)
    assert updates_after(last) == ([], last)


def test_a_report_filed_at_lapor_is_polled_with_the_report(lapor):
    mark = newest_seq()
    report = lapor.file_at_lapor(title="Ruang tunggu tanpa pendingin", category="facilities")
    [created] = updates_after(mark)[0]
    assert created.type == "report.created" and created.lapor_id == report["lapor_id"] and created.reference is None
    assert created.report["title"] == "Ruang tunggu tanpa pendingin" and created.report["region_code"] == "64.72"
    assert created.report["reporter"] == {"name": "Rina Wulandari", "contact": "+6281250001234"}


# -- callbacks -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lapor_with_callbacks(tmp_path_factory):
    """A LAPOR! simulator of this module's own that posts its callbacks to a receiver in this process."""
    with (
        receiving_callbacks() as receiver,
        running_lapor(
            tmp_path_factory.mktemp("lapor-callbacks"),
            api_key=TEST_API_KEY,
            webhook_secret=TEST_WEBHOOK_SECRET,
            callback_url=receiver.url,
        ) as simulator,
    ):
        yield simulator, receiver


@pytest.fixture
def callback(lapor_with_callbacks, settings):
    """A complaint filed and verified at LAPOR!: (the callback that came of it, the update)."""
    simulator, receiver = lapor_with_callbacks
    settings.LAPOR_URL, settings.LAPOR_API_KEY = simulator.url, simulator.api_key
    settings.LAPOR_WEBHOOK_SECRET = simulator.webhook_secret
    filed = file_report(**complaint())
    moved = simulator.move_status(filed.lapor_id, "verified")
    [call] = receiver.wait_for(lambda calls: len(calls) == 1, lapor_id=filed.lapor_id)
    return call, moved


def test_a_signed_callback_is_verified_into_the_update_polling_also_gives(callback):
    call, moved = callback
    update = verify_callback(call.body, call.headers)
    assert (update.id, update.seq, update.type, update.status) == (
        moved["id"],
        moved["seq"],
        "report.status_changed",
        "verified",
    )
    assert updates_after(update.seq - 1, limit=1) == ([update], update.seq)


def test_headers_are_read_whatever_their_case(callback):
    call, moved = callback
    headers = {name.title(): value for name, value in call.headers.items()}  # as Django's request.headers
    assert verify_callback(call.body, headers).id == moved["id"]


def _resigned(body: bytes, headers: dict, *, secret: str = TEST_WEBHOOK_SECRET, at: datetime | None = None) -> tuple:
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(headers["webhook-id"], at, body.decode())
    return body, {**headers, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}


def _with_data(body: bytes, **data) -> bytes:
    payload = json.loads(body)
    return json.dumps({**payload, "data": {**payload["data"], **data}}).encode()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda b, h: (b.replace(b"verified", b"completed"), h), id="tampered-body"),
        pytest.param(lambda b, h: _resigned(b, h, secret=OTHER_SECRET), id="other-secret"),
        pytest.param(lambda b, h: _resigned(b, h, at=datetime.now(UTC) - timedelta(minutes=6)), id="stale"),
        pytest.param(lambda b, h: (b, {k: v for k, v in h.items() if k != "webhook-signature"}), id="unsigned"),
        pytest.param(lambda b, h: (b, {**h, "webhook-id": str(uuid.uuid4())}), id="other-webhook-id"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "garbage"}), id="malformed-signature"),
        pytest.param(lambda b, h: (b"\xff" + b, h), id="not-utf8"),
    ],
)
def test_a_tampered_callback_is_invalid(callback, tamper):
    call, _moved = callback
    with pytest.raises(InvalidCallback):
        verify_callback(*tamper(call.body, call.headers))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b"[1, 2]", id="not-an-object"),
        pytest.param(lambda b: _with_data(b, status="closed"), id="unknown-status"),
        pytest.param(lambda b: _with_data(b, seq="7"), id="seq-as-text"),
        pytest.param(lambda b: json.dumps({**json.loads(b), "type": "report.created"}).encode(), id="other-type"),
    ],
)
def test_a_signed_callback_that_is_not_an_update_is_invalid(callback, change):
    call, _moved = callback
    with pytest.raises(InvalidCallback):
        verify_callback(*_resigned(change(call.body), call.headers))


def test_without_a_webhook_secret_callbacks_cannot_be_verified(callback, settings):
    call, _moved = callback
    settings.LAPOR_WEBHOOK_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        verify_callback(call.body, call.headers)


# -- the shapes ----------------------------------------------------------------------------------

UPDATE = {
    "seq": 7,
    "id": "4b0f6bb0-9f0e-4e8e-9a53-2b5d1d0f4c11",
    "type": "report.status_changed",
    "lapor_id": "LAPOR-2026-000007",
    "reference": "ADU-6472-2612-000007",
    "status": "in_followup",
    "note": "Sedang ditindaklanjuti.",
    "agency": "Disdukcapil Kota Samarinda",
    "at": "2026-12-06T03:00:00.000+00:00",
}


def test_an_update_is_read_from_its_json():
    update = Update.from_json(UPDATE)
    assert update.at == datetime(2026, 12, 6, 3, tzinfo=UTC) and update.report is None and update.seq == 7


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 0},
        {"seq": True},
        {"id": "not-a-uuid"},
        {"type": "report.deleted"},
        {"status": "Selesai"},
        {"lapor_id": ""},
        {"reference": 12},
        {"note": None},
        {"at": "2026-12-06T03:00:00"},  # no offset
        {"at": "yesterday"},
        {"report": {"title": "x"}},  # only report.created carries one
        {"type": "report.created"},  # without its report
        {"type": "report.created", "report": {"title": "x", "content": "y"}},
    ],
)
def test_a_malformed_update_is_a_value_error(change):
    with pytest.raises(ValueError):
        Update.from_json({**UPDATE, **change})


def test_the_client_knows_the_statuses_and_categories_lapor_has_with_indonesian_labels():
    assert STATUSES == lifecycle.STATUSES and CATEGORIES == lifecycle.CATEGORIES
    assert {status: str(label) for status, label in STATUS_LABELS.items()} == lifecycle.LABELS
