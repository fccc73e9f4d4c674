"""The demo's connected agency systems for `make run`, in Kota Samarinda: SKCK forwarded to Polri, the passport
forwarded to Imigrasi, and SIM renewal handed over to Korlantas's own portal (which signs citizens in with MPP
Digital). Each is the agency simulator with its profile (``python -m simulators.agency serve --profile …``),
started by the Procfile with the same public, demo-only secrets as here. Demo mode only."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from mpp.applications import connectors
from mpp.applications.models import ConnectorMode, ExternalSystem
from mpp.catalog.models import Agency, Service, ServiceTemplate
from mpp.catalog.services import adopt_template
from mpp.regions.models import Region
from mpp.sso.models import AgencyClient

REGION = "64.72"


@dataclass(frozen=True)
class DemoSystem:
    name: str
    mode: str
    kind: str
    service: str
    client_id: str
    client_secret: str
    contract: dict


SYSTEMS = [
    DemoSystem(
        name="SKCK Online Polresta Samarinda",
        mode=ConnectorMode.FORWARDED,
        kind="polres",
        service="skck",
        client_id="skck-polresta-samarinda",
        client_secret="demo-only-polri-client-secret-for-mpp-digital",
        contract={
            "credentials": "POLRI_SKCK",
            "fields": {"surat_pengantar": "form.surat_pengantar", "keperluan": "form.purpose"},
            "statuses": {
                "DITERIMA": "in_process",
                "JADWAL_SIDIK_JARI": "in_process",
                "SKCK_TERBIT": "approved",
                "DITOLAK": "rejected",
            },
            "timeout_seconds": 10,
            "retry": {"attempts": 20, "first_delay_seconds": 2, "max_delay_seconds": 600},
        },
    ),
    DemoSystem(
        name="Layanan Paspor Kantor Imigrasi Samarinda",
        mode=ConnectorMode.FORWARDED,
        kind="imigrasi",
        service="paspor",
        client_id="kanim-samarinda",
        client_secret="demo-only-imigrasi-client-secret-for-mpp-digital",
        contract={
            "credentials": "IMIGRASI_PASPOR",
            "fields": {"jenis_paspor": "form.passport_kind", "kantor_imigrasi": "form.kantor_imigrasi"},
            "statuses": {
                "DITERIMA": "in_process",
                "JADWAL_WAWANCARA": "in_process",
                "PASPOR_TERBIT": "approved",
                "DITOLAK": "rejected",
            },
        },
    ),
    DemoSystem(
        name="SIM Online Korlantas",
        mode=ConnectorMode.HANDED_OVER,
        kind="polres",
        service="perpanjangan-sim",
        client_id="sim-korlantas",
        client_secret="demo-only-korlantas-client-secret-for-mpp-digital",
        contract={
            "statuses": {
                "DITERIMA": "in_process",
                "VERIFIKASI": "in_process",
                "SIM_DICETAK": "in_process",
                "SIM_DIKIRIM": "approved",
                "SIAP_DIAMBIL": "approved",
                "DITOLAK": "rejected",
            },
            "portal_url": "http://127.0.0.1:8042/portal/",
        },
    ),
]
KORLANTAS_PORTAL_CLIENT = "sim-korlantas-portal"
KORLANTAS_PORTAL_SECRET = "demo-only-korlantas-portal-secret-for-mpp-digital"


@transaction.atomic
def seed_demo_connectors(*, korlantas_url: str = "http://127.0.0.1:8042") -> list[str]:
    """Connect the demo systems (again, from scratch: their clients get the demo secrets); returns their names."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo connectors are created only when MPP_DEMO_MODE=true.")
    region = Region.objects.get(code=REGION)
    names = []
    for demo in SYSTEMS:
        service = Service.objects.filter(region=region, template__slug=demo.service).first()
        if service is None:
            service = adopt_template(region=region, template=ServiceTemplate.objects.get(slug=demo.service))
        agency = Agency.objects.get(region=region, kind__code=demo.kind, village=None)
        _forget(demo)
        contract = demo.contract
        sign_in = None
        if demo.mode == ConnectorMode.HANDED_OVER:
            contract = contract | {"portal_url": f"{korlantas_url}/portal/"}
            sign_in = _portal_client(korlantas_url, agency)
        system = connectors.connect(
            name=demo.name,
            mode=demo.mode,
            agency=agency,
            contract=contract,
            client_id=demo.client_id,
            client_secret=demo.client_secret,
            sign_in_client=sign_in,
        ).system
        connectors.connect_service(service=service, system=system)
        names.append(system.name)
    return names


def _forget(demo: DemoSystem) -> None:
    """An earlier demo system of the same client goes (with its connections), unless applications used it."""
    system = ExternalSystem.objects.filter(client__client_id=demo.client_id).first()
    if system is None:
        return
    if system.cases.exists():
        raise ImproperlyConfigured(f"{demo.name} already holds applications: reset the demo database first.")
    client, webhook, sign_in = system.client, system.webhook, system.sign_in_client
    system.forwardings.all().delete()
    system.delete()
    client.delete()
    if webhook is not None:
        webhook.delete()
    if sign_in is not None:
        sign_in.delete()


def _portal_client(korlantas_url: str, agency: Agency) -> AgencyClient:
    client, _created = AgencyClient.objects.update_or_create(
        client_id=KORLANTAS_PORTAL_CLIENT,
        defaults={
            "name": "SIM Online Korlantas",
            "agency_name": "Korlantas Polri",
            "client_secret": KORLANTAS_PORTAL_SECRET,
            "redirect_uris": f"{korlantas_url}/portal/callback",
            "post_logout_redirect_uris": f"{korlantas_url}/portal/",
            "allowed_scopes": ["openid", "profile", "nik"],
            "is_active": True,
        },
    )
    return client
