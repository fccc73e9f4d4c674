"""The status API of agency systems: client-credentials tokens, only the system holding the application,
each Idempotency-Key applied once, decisions final, bad input answered with the field it concerns."""

import base64
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from mpp.applications import forwarding
from mpp.applications.models import Application, Event, ExternalCase, Status, StatusUpdate
from mpp.catalog.models import Agency
from mpp.notifications.messages import render
from mpp.notifications.models import Notification
from mpp.sso.models import AgencyClient

from .conftest import birth_form, new_key
from .test_forwarding import CLIENT_ID, CLIENT_SECRET, register_siak

pytestmark = pytest.mark.django_db
SIGN_IN_SECRET = "rahasia-klien-portal-yang-panjang-dan-acak-1234567890"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_for(client, client_id=CLIENT_ID, secret=CLIENT_SECRET, scope="applications.status"):
    """POST /o/token/ with client credentials, as the agency system does."""
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=basic(client_id, secret))


@pytest.fixture
def siak(db):
    return register_siak("https://siak.samarinda.example.go.id/webhooks/mpp")  # nothing is delivered here


@pytest.fixture
def token(client, siak):
    response = token_for(client)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def forwarded(siti, birth_service, siak) -> Application:
    from mpp.applications import services

    return services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()).application


def post(client, number, body, *, token=None, key="SIAK-2026-000001:in_process", **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/v1/agency/applications/{number}/status", body, content_type="application/json", **headers)


IN_PROCESS = {"status": "in_process", "note": "Berkas Anda sedang diperiksa petugas Disdukcapil."}
APPROVED = {
    "status": "approved",
    "note": "Akta kelahiran telah terbit.",
    "external_reference": "474.1/00042/DISDUKCAPIL/2026",
}
REJECTED = {"status": "rejected", "note": "Surat keterangan lahir tidak sah."}


# --- the token ---------------------------------------------------------------------------------


def test_an_agency_system_gets_a_client_credentials_token_for_the_status_scope(client, siak):
    answer = token_for(client).json()
    assert answer["token_type"] == "Bearer" and answer["scope"] == "applications.status"
    assert "refresh_token" not in answer and "id_token" not in answer
    access = get_access_token_model().objects.get(application=siak.client)
    assert access.user is None


def test_the_scope_defaults_to_the_clients_api_scopes(client, siak):
    assert token_for(client, scope="").json()["scope"] == "applications.status"


@pytest.mark.parametrize("scope", ["openid", "applications.status profile"])
def test_a_system_client_gets_no_openid_connect_scope(client, siak, scope):
    assert token_for(client, scope=scope).json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(client, siak):
    assert token_for(client, secret="wrong").status_code == 401


def test_a_sign_in_client_cannot_use_client_credentials(client):
    AgencyClient.objects.create(
        name="Portal",
        agency_name="DPMPTSP",
        client_id="portal",
        client_secret=SIGN_IN_SECRET,
        redirect_uris="https://portal.example.go.id/cb",
        allowed_scopes=["openid"],
    )
    assert token_for(client, "portal", SIGN_IN_SECRET, scope="openid").json()["error"] == "unauthorized_client"


def test_a_client_credentials_client_validates_with_the_api_scope_only():
    def candidate(**changes):
        fields = {
            "name": "SIAK",
            "agency_name": "Disdukcapil",
            "authorization_grant_type": AgencyClient.GRANT_CLIENT_CREDENTIALS,
            "allowed_scopes": ["applications.status"],
            **changes,
        }
        return AgencyClient(**fields)

    candidate().full_clean()  # no redirect URI, RS256 left as the default: fine without ID tokens
    candidate(algorithm="").full_clean()
    for changes, field in [
        ({"allowed_scopes": ["openid"]}, "allowed_scopes"),
        ({"allowed_scopes": []}, "allowed_scopes"),
        ({"client_type": "public"}, "client_type"),
    ]:
        with pytest.raises(ValidationError) as error:
            candidate(**changes).full_clean()
        assert field in error.value.message_dict
    sign_in = AgencyClient(
        name="Portal", agency_name="DPMPTSP", redirect_uris="https://x.example/cb", allowed_scopes=["openid"]
    )
    sign_in.allowed_scopes = ["openid", "applications.status"]
    with pytest.raises(ValidationError) as error:
        sign_in.full_clean()
    assert "allowed_scopes" in error.value.message_dict


# --- updates -----------------------------------------------------------------------------------


def test_in_process_keeps_the_application_with_the_agency_and_tells_the_citizen(client, token, forwarded, siti):
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "forwarded" and response.json()["update"] == "in_process"
    assert "Idempotent-Replayed" not in response
    forwarded.refresh_from_db()
    assert forwarded.status == Status.FORWARDED and forwarded.decided_at is None
    event = Event.objects.filter(application=forwarded).last()
    assert (event.action, event.actor_label, event.actor) == ("in_process", "SIAK Disdukcapil Kota Samarinda", None)
    assert event.note == IN_PROCESS["note"]
    told = Notification.objects.filter(user=siti, kind="in_process").get()
    subject, text = render(told.kind, told.context, "id")
    assert subject == f"Permohonan {forwarded.tracking_number} sedang diproses instansi"
    assert "Berkas Anda sedang diperiksa" in text


def test_approval_decides_the_application_with_the_agencys_reference(client, token, forwarded, siti):
    post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    response = post(client, forwarded.tracking_number, APPROVED, token=token, key="SIAK-2026-000001:approved")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["status"], answer["external_reference"]) == ("approved", "474.1/00042/DISDUKCAPIL/2026")
    forwarded.refresh_from_db()
    assert forwarded.status == Status.APPROVED and forwarded.decided_at is not None
    event = Event.objects.filter(application=forwarded).last()
    assert (event.action, event.from_status, event.to_status) == ("approve", "forwarded", "approved")
    assert event.note == (
        "Akta kelahiran telah terbit.\nNomor di SIAK Disdukcapil Kota Samarinda: 474.1/00042/DISDUKCAPIL/2026"
    )
    assert ExternalCase.objects.get(application=forwarded).external_reference == "474.1/00042/DISDUKCAPIL/2026"
    assert Notification.objects.filter(user=siti, kind="approved", application=forwarded).exists()


def test_a_rejection_tells_the_citizen_the_reason(client, token, forwarded, siti):
    response = post(client, forwarded.tracking_number, REJECTED, token=token, key="k:rejected")
    assert response.status_code == 200
    forwarded.refresh_from_db()
    assert forwarded.status == Status.REJECTED
    told = Notification.objects.get(user=siti, kind="rejected")
    assert told.context["note"] == "Surat keterangan lahir tidak sah."


def test_the_same_key_again_answers_the_same_and_changes_nothing(client, token, forwarded):
    first = post(client, forwarded.tracking_number, APPROVED, token=token, key="k:approved")
    events = Event.objects.filter(application=forwarded).count()
    again = post(client, forwarded.tracking_number, APPROVED, token=token, key="k:approved")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Event.objects.filter(application=forwarded).count() == events
    assert StatusUpdate.objects.count() == 1
    assert Notification.objects.filter(kind="approved").count() == 1


def test_the_same_key_with_another_update_is_refused(client, token, forwarded):
    post(client, forwarded.tracking_number, IN_PROCESS, token=token, key="k:1")
    response = post(client, forwarded.tracking_number, APPROVED, token=token, key="k:1")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    forwarded.refresh_from_db()
    assert forwarded.status == Status.FORWARDED


@pytest.mark.parametrize(
    ("first", "then"), [(REJECTED, APPROVED), (APPROVED, REJECTED), (APPROVED, IN_PROCESS), (APPROVED, APPROVED)]
)
def test_a_decided_application_takes_no_further_update(client, token, forwarded, first, then):
    post(client, forwarded.tracking_number, first, token=token, key="k:first")
    response = post(client, forwarded.tracking_number, then, token=token, key="k:then")
    assert response.status_code == 409
    assert f"is {first['status']}" in response.json()["detail"]
    forwarded.refresh_from_db()
    assert forwarded.status == first["status"]


def test_in_process_may_come_again_with_a_new_note(client, token, forwarded):
    post(client, forwarded.tracking_number, IN_PROCESS, token=token, key="k:1")
    second = {"status": "in_process", "note": "Menunggu tanda tangan kepala dinas."}
    assert post(client, forwarded.tracking_number, second, token=token, key="k:2").status_code == 200
    assert Event.objects.filter(application=forwarded, action="in_process").count() == 2


# --- who may update ----------------------------------------------------------------------------


def test_another_agency_system_gets_404(client, forwarded):
    other = forwarding.register_external_system(
        name="SIAK Disdukcapil Kota Surakarta",
        agency=Agency.objects.get(region_id="33.72", kind__code="disdukcapil"),
        webhook_url="https://siak.surakarta.example.go.id/webhooks/mpp",
        client_id="siak-surakarta",
        client_secret=CLIENT_SECRET,
    )
    assert other.system.client.client_id == "siak-surakarta"
    token = token_for(client, "siak-surakarta").json()["access_token"]
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    assert response.status_code == 404
    forwarded.refresh_from_db()
    assert forwarded.status == Status.FORWARDED
    assert not StatusUpdate.objects.exists()


def test_an_application_kept_by_the_back_office_is_not_found(client, token, siti, birth_service, siak):
    from mpp.applications import services

    siak.forwardings.all().delete()
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    assert post(client, application.tracking_number, IN_PROCESS, token=token).status_code == 404
    assert post(client, "6472-2611-00000000", IN_PROCESS, token=token).status_code == 404


def test_no_token_is_a_401_with_a_bearer_challenge(client, forwarded):
    response = post(client, forwarded.tracking_number, IN_PROCESS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="MPP Digital"')
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic c2lhazpzZWNyZXQ=", "Bearer "])
def test_a_wrong_token_is_a_401(client, forwarded, header):
    response = post(client, forwarded.tracking_number, IN_PROCESS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"] in ("invalid_token", "invalid_request")


def test_an_expired_token_is_a_401(client, token, forwarded):
    get_access_token_model().objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_deactivated_client_is_a_401(client, token, forwarded, siak):
    AgencyClient.objects.filter(pk=siak.client_id).update(is_active=False)
    assert post(client, forwarded.tracking_number, IN_PROCESS, token=token).status_code == 401


def test_a_deactivated_system_is_a_403(client, token, forwarded, siak):
    siak.is_active = False
    siak.save()
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_a_token_without_the_status_scope_is_a_403(client, token, forwarded):
    get_access_token_model().objects.update(scope="openid")
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token)
    assert response.status_code == 403
    assert "applications.status" in response.json()["detail"]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "not a code"}, "status"),
        ({"note": "tanpa status"}, "status"),
        ({"status": "in_process", "note": "x" * 2001}, "note"),
        ({"status": "approved", "external_reference": "x" * 101}, "external_reference"),
        ({"status": "in_process", "note": "nul\x00"}, "note"),
        ({"status": "in_process", "note": 12}, "note"),
    ],
)
def test_a_malformed_body_is_a_422_naming_the_field(client, token, forwarded, body, field):
    response = post(client, forwarded.tracking_number, body, token=token)
    assert response.status_code == 422
    assert field in response.json()["message"]
    forwarded.refresh_from_db()
    assert forwarded.status == Status.FORWARDED


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"status": "done"}, "Unknown status 'done'"),
        ({"status": "rejected"}, "a rejection needs a note"),
        ({"status": "rejected", "note": "   "}, "a rejection needs a note"),
    ],
)
def test_an_update_the_system_may_not_send_is_a_422_saying_why(client, token, forwarded, body, words):
    response = post(client, forwarded.tracking_number, body, token=token)
    assert response.status_code == 422 and words in response.json()["detail"]
    assert Application.objects.get(pk=forwarded.pk).status == "forwarded"


def test_a_body_that_is_not_json_is_a_400(client, token, forwarded):
    response = client.post(
        f"/api/v1/agency/applications/{forwarded.tracking_number}/status",
        "status=approved",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="k:1",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")


def test_the_idempotency_key_is_required(client, token, forwarded):
    response = post(client, forwarded.tracking_number, IN_PROCESS, token=token, key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]
    assert not StatusUpdate.objects.exists()


# --- races (PostgreSQL: row locks) -----------------------------------------------------------


def _at_once(*calls):
    """Run ``calls`` in threads released together; returns their results or exceptions, in order."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # the test looks at it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_update_delivered_twice_at_once_is_applied_once(forwarded, siak):
    def approve():
        return forwarding.record_status_update(
            system=siak, tracking_number=forwarded.tracking_number, status="approved", idempotency_key="k:approved"
        )

    first, second = _at_once(approve, approve)
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert first.response == second.response
    assert Event.objects.filter(application=forwarded, action="approve").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_one_wins_and_the_other_conflicts(forwarded, siak):
    def decide(status):
        return lambda: forwarding.record_status_update(
            system=siak,
            tracking_number=forwarded.tracking_number,
            status=status,
            idempotency_key=f"k:{status}",
            note="Alasan.",
        )

    results = _at_once(decide("approved"), decide("rejected"))
    assert sorted(type(result).__name__ for result in results) == ["Applied", "Conflict"]
    forwarded.refresh_from_db()
    assert Event.objects.filter(application=forwarded, action__in=["approve", "reject"]).count() == 1
