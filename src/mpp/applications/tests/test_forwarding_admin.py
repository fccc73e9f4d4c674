"""The admin of external processing: the ministry registers agency systems with their clients; an MPP manager
chooses which of their region's services forward, and only to their region's systems."""

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from mpp.applications import forwarding
from mpp.applications.models import ExternalSystem, Forwarding
from mpp.catalog.models import Agency, Service
from mpp.sso.models import AgencyClient

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:applications_{model._meta.model_name}_{view}", args=args)


def _system(region: str, name: str, client_id: str) -> ExternalSystem:
    return forwarding.register_external_system(
        name=name,
        agency=Agency.objects.get(region_id=region, kind__code="disdukcapil"),
        webhook_url=f"https://{client_id}.example.go.id/webhooks/mpp",
        client_id=client_id,
    ).system


@pytest.fixture
def samarinda_siak(db):
    return _system("64.72", "SIAK Samarinda", "siak-samarinda")


@pytest.fixture
def surakarta_siak(db):
    return _system("33.72", "SIAK Surakarta", "siak-surakarta")


def test_the_ministry_registers_a_system_with_its_client_and_secrets_shown_once(client, ministry):
    client.force_login(ministry)
    form = client.get(_url(ExternalSystem, "add")).context["adminform"].form
    client_id, secret = form["client_id"].value(), form["client_secret"].value()
    webhook_secret = form["webhook_secret"].value()
    assert webhook_secret.startswith("whsec_") and len(secret) >= 64
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    response = client.post(
        _url(ExternalSystem, "add"),
        {
            "name": "SIAK Disdukcapil Kota Samarinda",
            "agency": agency.pk,
            "webhook_url": "https://siak.samarinda.example.go.id/webhooks/mpp",
            "client_id": client_id,
            "client_secret": secret,
            "webhook_secret": webhook_secret,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    system = ExternalSystem.objects.get()
    assert system.webhook.secret == webhook_secret  # kept as it is: we sign with it
    assert system.webhook.url == "https://siak.samarinda.example.go.id/webhooks/mpp"
    registered = system.client
    assert registered.client_id == client_id
    assert registered.authorization_grant_type == AgencyClient.GRANT_CLIENT_CREDENTIALS
    assert registered.allowed_scopes == ["applications.status"]
    assert registered.agency_name == agency.name
    assert registered.client_secret != secret and check_password(secret, registered.client_secret)

    change = client.get(_url(ExternalSystem, "change", system.pk))
    assert "client_secret" not in change.context["adminform"].form.fields
    assert webhook_secret in change.content.decode()  # readable again, by the ministry only


def test_a_webhook_secret_must_look_like_one(client, ministry):
    client.force_login(ministry)
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    response = client.post(
        _url(ExternalSystem, "add"),
        {
            "name": "SIAK",
            "agency": agency.pk,
            "webhook_url": "https://siak.example.go.id/webhooks/mpp",
            "client_id": "siak",
            "client_secret": "x" * 64,
            "webhook_secret": "rahasia",
        },
    )
    assert response.status_code == 200
    assert "webhook_secret" in response.context["adminform"].form.errors
    assert not AgencyClient.objects.exists()


def test_the_ministry_rotates_a_webhook_secret(client, ministry, samarinda_siak):
    client.force_login(ministry)
    before = samarinda_siak.webhook.secret
    client.post(
        _url(ExternalSystem, "changelist"),
        {"action": "rotate_webhook_secret", "_selected_action": [samarinda_siak.pk]},
    )
    samarinda_siak.webhook.refresh_from_db()
    assert samarinda_siak.webhook.secret != before and samarinda_siak.webhook.secret.startswith("whsec_")


def test_an_mpp_manager_sees_no_agency_system(client, samarinda_manager, samarinda_siak):
    client.force_login(samarinda_manager)
    assert client.get(_url(ExternalSystem, "changelist")).status_code == 403
    assert client.get(_url(ExternalSystem, "change", samarinda_siak.pk)).status_code == 403


def test_an_mpp_manager_forwards_a_service_of_their_region_to_their_regions_system(
    client, samarinda_manager, samarinda_siak, surakarta_siak
):
    client.force_login(samarinda_manager)
    form = client.get(_url(Forwarding, "add")).context["adminform"].form
    assert set(form.fields["external_system"].queryset) == {samarinda_siak}
    assert not form.fields["service"].queryset.exclude(region_id="64.72").exists()
    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")

    refused = client.post(_url(Forwarding, "add"), {"service": service.pk, "external_system": surakarta_siak.pk})
    assert refused.status_code == 200 and "external_system" in refused.context["adminform"].form.errors
    accepted = client.post(_url(Forwarding, "add"), {"service": service.pk, "external_system": samarinda_siak.pk})
    assert accepted.status_code == 302
    assert Forwarding.objects.get().external_system == samarinda_siak


def test_a_forwarding_to_another_agencys_system_is_refused(client, samarinda_manager, samarinda_siak):
    client.force_login(samarinda_manager)
    health = Service.objects.filter(region_id="64.72", template__agency_kind__code="dinkes").first()
    response = client.post(_url(Forwarding, "add"), {"service": health.pk, "external_system": samarinda_siak.pk})
    assert response.status_code == 200
    assert "external_system" in response.context["adminform"].form.errors


def test_another_regions_manager_sees_none_of_its_forwardings(client, surakarta_manager, samarinda_siak):
    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    forwarded = forwarding.forward_service(service=service, external_system=samarinda_siak)
    client.force_login(surakarta_manager)
    assert forwarded not in client.get(_url(Forwarding, "changelist")).context["cl"].queryset
    assert client.get(_url(Forwarding, "change", forwarded.pk)).status_code in (302, 403, 404)


def test_a_failed_forwarding_is_shown_and_sent_again_from_the_admin(client, samarinda_manager, samarinda_siak, siti):
    from mpp.applications import services
    from mpp.applications.models import ExternalCase
    from mpp.notifications.models import Channel, Delivery, OutboxMessage

    from .conftest import birth_form, new_key

    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    forwarding.forward_service(service=service, external_system=samarinda_siak)
    services.submit(applicant=siti, service=service, data=birth_form(), submit_key=new_key())
    case = ExternalCase.objects.get()
    OutboxMessage.objects.filter(channel=Channel.WEBHOOK).update(
        status=Delivery.FAILED, attempts=1, last_error="HTTP 404: no such route"
    )
    client.force_login(samarinda_manager)
    page = client.get(_url(ExternalCase, "change", case.pk)).content.decode()
    assert "Gagal · 1× · HTTP 404: no such route" in page
    client.post(_url(ExternalCase, "changelist"), {"action": "send_again", "_selected_action": [case.pk]})
    message = OutboxMessage.objects.get(channel=Channel.WEBHOOK)
    assert (message.status, message.attempts, message.last_error) == (Delivery.PENDING, 0, "")


def test_another_regions_manager_cannot_see_or_open_a_forwarded_case(client, surakarta_manager, samarinda_siak, siti):
    from mpp.applications import services
    from mpp.applications.models import ExternalCase

    from .conftest import birth_form, new_key

    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    forwarding.forward_service(service=service, external_system=samarinda_siak)
    services.submit(applicant=siti, service=service, data=birth_form(), submit_key=new_key())
    case = ExternalCase.objects.get()
    client.force_login(surakarta_manager)
    assert case not in client.get(_url(ExternalCase, "changelist")).context["cl"].queryset
    for view in ("change", "delete", "history"):
        assert client.get(_url(ExternalCase, view, case.pk)).status_code in (302, 403, 404), view


def test_the_ministry_moves_a_systems_webhook_and_keeps_its_secret(client, ministry, samarinda_siak):
    client.force_login(ministry)
    secret = samarinda_siak.webhook.secret
    response = client.post(
        _url(ExternalSystem, "change", samarinda_siak.pk),
        {
            "name": samarinda_siak.name,
            "agency": samarinda_siak.agency_id,
            "webhook_url": "https://siak-baru.samarinda.example.go.id/webhooks/mpp",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    samarinda_siak.webhook.refresh_from_db()
    assert samarinda_siak.webhook.url == "https://siak-baru.samarinda.example.go.id/webhooks/mpp"
    assert samarinda_siak.webhook.secret == secret
