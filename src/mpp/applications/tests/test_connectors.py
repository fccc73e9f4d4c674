"""One declarative contract per agency system: checked when saved, applied when forwarding and when statuses
arrive; a handed-over system reports the cases citizens open at its portal; the health page counts without
counting every application."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mpp.applications import connectors, forwarding, services
from mpp.applications.models import Application, ConnectorMode, Event, Status
from mpp.catalog.models import Agency, AgencyKind, Service
from mpp.core.errors import NotFound
from mpp.notifications import webhooks
from mpp.notifications.models import Delivery, EndpointHour, OutboxMessage
from mpp.notifications.services import deliver
from mpp.sso.models import AgencyClient, Consent

from .conftest import birth_form, new_key

pytestmark = pytest.mark.django_db

CONTRACT = {
    "credentials": "SIAK_SAMARINDA",
    "fields": {"nama_anak": "form.child_name", "nik_pelapor": "applicant.nik", "nomor": "tracking_number"},
    "statuses": {"DITERIMA": "in_process", "TERBIT": "approved", "DITOLAK": "rejected"},
    "timeout_seconds": 5,
    "retry": {"attempts": 3, "first_delay_seconds": 1, "max_delay_seconds": 4},
}


@pytest.fixture
def siak(db):
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    system = connectors.connect(name="SIAK Samarinda", mode=ConnectorMode.FORWARDED, agency=agency, contract=CONTRACT)
    connectors.connect_service(
        service=Service.objects.get(region_id="64.72", template__slug="akta-kelahiran"), system=system.system
    )
    return system.system


def test_the_contract_names_its_credentials_and_keeps_no_secret(siak):
    endpoint = siak.webhook
    assert (endpoint.credentials, endpoint.url, endpoint.secret) == ("SIAK_SAMARINDA", "", "")
    assert (endpoint.timeout_seconds, endpoint.max_attempts, endpoint.max_delay_seconds) == (5, 3, 4)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"fields": {"nama": "form.no_such_field"}}, "no_such_field"),
        ({"fields": {"nama": "password"}}, "neither form.<field>"),
        ({"statuses": {"TERBIT": "done"}}, "statuses.TERBIT"),
        ({"credentials": "lower case"}, "credentials"),
        ({"retry": {"attempts": 0}}, "retry.attempts"),
    ],
)
def test_a_contract_that_does_not_fit_is_refused_with_its_reason_and_changes_nothing(siak, change, reason):
    with pytest.raises(ValidationError) as refused:
        connectors.change_contract(system=siak, contract=CONTRACT | change)
    assert reason in str(refused.value)
    siak.refresh_from_db()
    assert siak.contract["fields"] == CONTRACT["fields"]


def test_connecting_a_service_whose_form_lacks_a_mapped_field_is_refused(siak):
    death = Service.objects.get(region_id="64.72", template__slug="akta-kematian")
    with pytest.raises(ValidationError, match="child_name"):
        connectors.connect_service(service=death, system=siak)


def test_the_payload_is_the_agencys_own_words(siti, birth_service, siak):
    application = services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key())
    message = OutboxMessage.objects.get(dedup_key=f"forward:{application.application.pk}")
    assert message.recipient == "connector:SIAK_SAMARINDA"
    assert message.context["form"] == {
        "nama_anak": "Ayu Lestari Santoso",
        "nik_pelapor": siti.nik,
        "nomor": application.application.tracking_number,
    }


def test_the_agencys_status_codes_are_translated_and_an_unknown_one_changes_nothing(siti, birth_service, siak):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    number = application.tracking_number
    forwarding.record_status_update(system=siak, tracking_number=number, status="DITERIMA", idempotency_key="k1")
    with pytest.raises(forwarding.UpdateRefused, match="DITERIMA, DITOLAK, TERBIT"):
        forwarding.record_status_update(system=siak, tracking_number=number, status="SELESAI", idempotency_key="k2")
    with pytest.raises(forwarding.UpdateRefused, match="needs a note"):
        forwarding.record_status_update(system=siak, tracking_number=number, status="DITOLAK", idempotency_key="k3")
    forwarding.record_status_update(system=siak, tracking_number=number, status="TERBIT", idempotency_key="k4")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert list(Event.objects.filter(application=application).values_list("action", flat=True)) == [
        "submit",
        "forward",
        "in_process",
        "approve",
    ]


def test_a_missing_environment_variable_keeps_the_application_waiting_and_says_so(siti, birth_service, siak):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    message = OutboxMessage.objects.get(dedup_key=f"forward:{application.pk}")
    assert not deliver(message)
    message.refresh_from_db()
    assert message.status == Delivery.PENDING and "MPP_CONNECTOR_SIAK_SAMARINDA_URL" in message.last_error
    note = connectors.delivery_note(application.pk)
    assert note["status"] == Delivery.PENDING and note["attempts"] == 1
    [row] = [row for row in connectors.health("64.72") if row.system_id == siak.pk]
    assert (row.waiting, row.attempts, row.failures, row.oldest_waiting_at) == (1, 1, 1, message.created_at)
    assert "MPP_CONNECTOR_SIAK_SAMARINDA_URL" in row.last_error and not row.is_healthy


def test_the_figures_kept_at_each_attempt_equal_a_full_recount(siti, birth_service, siak):
    for name in ("Ayu Lestari", "Bayu Pratama", "Citra Dewi"):
        application = services.submit(
            applicant=siti, service=birth_service, data=birth_form(child_name=name), submit_key=new_key()
        ).application
        deliver(OutboxMessage.objects.get(dedup_key=f"forward:{application.pk}"))
    kept = list(EndpointHour.objects.values_list("endpoint_id", "hour", "attempts", "failures", "delivered"))
    webhooks.rebuild_health()
    assert list(EndpointHour.objects.values_list("endpoint_id", "hour", "attempts", "failures", "delivered")) == kept
    assert kept[0][2:] == (3, 3, 0)


def test_a_national_system_serves_every_regions_agency_of_its_kind(db):
    kind = AgencyKind.objects.get(code="polres")
    national = connectors.connect(
        name="SKCK Online Polri",
        mode=ConnectorMode.FORWARDED,
        agency_kind=kind,
        contract={"credentials": "POLRI_SKCK"},
    ).system
    assert national.agency is None and national.client.agency_name.startswith("Kepolisian Resor")
    regions = {row.system_id for row in connectors.health("64.72")} & {
        row.system_id for row in connectors.health("33.72")
    }
    assert national.pk in regions
    disdukcapil = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    assert not national.serves(disdukcapil)


# --- handed over: the agency's own portal ------------------------------------------------------------------------


@pytest.fixture
def korlantas(db):
    sign_in = AgencyClient.objects.create(
        name="Portal SIM Korlantas",
        agency_name="Korlantas Polri",
        client_id="sim-korlantas-portal",
        client_secret="rahasia-portal-panjang-sekali-0123456789",
        redirect_uris="http://127.0.0.1:8042/portal/callback",
        allowed_scopes=["openid", "profile", "nik"],
    )
    agency = Agency.objects.get(region_id="64.72", kind__code="polres")
    system = connectors.connect(
        name="SIM Korlantas",
        mode=ConnectorMode.HANDED_OVER,
        agency=agency,
        sign_in_client=sign_in,
        contract={
            "credentials": "KORLANTAS",
            "statuses": {"DITERIMA": "in_process", "SIAP_DIAMBIL": "approved", "DITOLAK": "rejected"},
            "portal_url": "http://127.0.0.1:8042/portal/",
        },
    ).system
    connectors.connect_service(
        service=Service.objects.get(region_id="64.72", template__slug="perpanjangan-sim"), system=system
    )
    return system


def report(system, citizen, key="case-1", **changes):
    values = {
        "system": system,
        "subject": str(citizen.public_id),
        "service_code": "perpanjangan-sim",
        "region_code": "64.72",
        "external_reference": "SIM/2026/000123",
        "status": "DITERIMA",
        "idempotency_key": key,
    }
    return forwarding.report_case(**values | changes)


def test_a_handed_over_case_appears_among_the_citizens_applications_once(siti, korlantas):
    Consent.objects.create(user=siti, client=korlantas.sign_in_client, scopes=["openid"], granted_at=timezone.now())
    first = report(korlantas, siti, key="k" * 150)
    again = report(korlantas, siti, key="k" * 150)
    assert first.created and not again.created and first.application.pk == again.application.pk
    assert report(korlantas, siti, key="k" * 149 + "x").created  # a long key counts whole
    with pytest.raises(forwarding.IdempotencyKeyReused):
        report(korlantas, siti, key="k" * 150, external_reference="SIM/2026/999999")
    application = first.application
    assert (application.status, application.channel, application.applicant) == (Status.FORWARDED, "api", siti)
    assert Application.objects.filter(channel="api").count() == 2
    assert application.external_case.external_reference == "SIM/2026/000123"
    assert Service.objects.get(pk=application.service_id).mode == "application"
    forwarding.record_status_update(
        system=korlantas, tracking_number=application.tracking_number, status="SIAP_DIAMBIL", idempotency_key="s2"
    )
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED


def test_a_case_without_the_citizens_consent_or_of_another_service_is_refused(siti, korlantas):
    with pytest.raises(forwarding.NotHandedOver, match="consent"):
        report(korlantas, siti)
    Consent.objects.create(user=siti, client=korlantas.sign_in_client, scopes=["openid"], granted_at=timezone.now())
    with pytest.raises(forwarding.NotHandedOver, match="not connected"):
        report(korlantas, siti, service_code="akta-kelahiran")
    with pytest.raises(forwarding.NotHandedOver, match="not connected"):
        report(korlantas, siti, service_code="skck")  # the same agency, but not through this system
    with pytest.raises(NotFound):
        report(korlantas, siti, subject="00000000-0000-0000-0000-000000000000")
    with pytest.raises(forwarding.UpdateRefused):
        report(korlantas, siti, status="ENTAH")
    assert not Application.objects.filter(channel="api").exists()
