"""Siti (from the applications' tests), bills at Samarinda's agencies, and the payment network's side of SNAP:
its RSA key and secrets, and a client that calls our endpoints as the network does."""

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from mpp.applications.tests.conftest import budi, family, siti  # noqa: F401  (fixtures)
from mpp.catalog.models import Agency
from mpp.payments import services, snap
from mpp.payments.models import Bill
from mpp.regions.models import Region

WITA = ZoneInfo("Asia/Makassar")
BANK_CLIENT_KEY = "bank-kaltimtara-test"
BANK_SECRET = "bank-secret-for-tests-0123456789abcdef"


@pytest.fixture(scope="session")
def bank_key(tmp_path_factory):
    """The network's RSA key pair: the private key signs its token requests, we hold the public one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path_factory.mktemp("paynet") / "network-public.pem"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return key, public


@pytest.fixture
def bank_settings(bank_key, settings):
    settings.PAYNET_BANK_CLIENT_KEY = BANK_CLIENT_KEY
    settings.PAYNET_BANK_CLIENT_SECRET = BANK_SECRET
    settings.PAYNET_BANK_PUBLIC_KEY_FILE = str(bank_key[1])
    settings.PAYNET_URL = ""  # no network to open bills at: tests give bills their codes
    return settings


@dataclass
class Bank:
    """Calls our SNAP endpoints as the network does: a token, then signed notifications."""

    client: Client
    private_key: rsa.RSAPrivateKey
    token: str = ""
    external_ids: int = 0

    def get_token(self, *, now=None, client_key=BANK_CLIENT_KEY, key=None):
        stamp = snap.timestamp(now or timezone.now())
        signature = snap.token_signature(key or self.private_key, client_key, stamp)
        answer = self.client.post(
            "/snap/v1.0/access-token/b2b",
            data=snap.minified({"grantType": "client_credentials"}),
            content_type="application/json",
            headers={"X-TIMESTAMP": stamp, "X-CLIENT-KEY": client_key, "X-SIGNATURE": signature},
        )
        if answer.status_code == 200:
            self.token = answer.json()["accessToken"]
        return answer

    def notify(self, body, *, external_id=None, now=None, secret=BANK_SECRET, path="/snap/v1.0/transfer-va/payment"):
        if not self.token:
            assert self.get_token().status_code == 200
        if external_id is None:
            self.external_ids += 1
            external_id = str(self.external_ids)
        raw = snap.minified(body)
        stamp = snap.timestamp(now or timezone.now())
        answer = self.client.post(
            path,
            data=raw,
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {self.token}",
                "X-TIMESTAMP": stamp,
                "X-SIGNATURE": snap.call_signature(secret, "POST", path, self.token, raw, stamp),
                "X-PARTNER-ID": BANK_CLIENT_KEY,
                "X-EXTERNAL-ID": external_id,
                "CHANNEL-ID": "95221",
            },
        )
        return answer


@pytest.fixture
def bank(bank_key, bank_settings):
    return Bank(Client(), bank_key[0])


@pytest.fixture
def samarinda():
    return Region.objects.get(code="64.72")


@pytest.fixture
def polres(db):
    return Agency.objects.filter(region_id="64.72", kind__code="polres").first()


def raise_skck(payer, agency, *, amount=30000, now=None, hours=48) -> Bill:
    now = now or timezone.now()
    return services.raise_bill(
        region=agency.region,
        agency=agency,
        payer=payer,
        payer_name="SITI RAHMAWATI",
        title="PNBP penerbitan SKCK",
        revenue="pnbp",
        receiving_account="Kas Negara (PNBP Polri)",
        items=[services.Item("Penerbitan SKCK", amount, "425131")],
        expires_at=now + dt.timedelta(hours=hours),
        now=now,
    )


def give_code(bill, code="123456789012345"):
    """What the network would answer to create-va: the bill's billing code."""
    type(bill).objects.filter(pk=bill.pk).update(billing_code=code)
    bill.refresh_from_db()
    return bill


def notification(bill, *, reference="PAY-1", amount=None, paid_at=None, channel="va", ntpn="0123456789ABCDEF"):
    paid_at = paid_at or timezone.now()
    return {
        "partnerServiceId": " " * 8,
        "customerNo": bill.pay_code,
        "virtualAccountNo": " " * 8 + bill.pay_code,
        "virtualAccountName": bill.payer_name,
        "paymentRequestId": reference,
        "channelCode": 6011,
        "sourceBankCode": "014",
        "trxId": str(bill.pk),
        "paidAmount": snap.money(bill.amount if amount is None else amount),
        "trxDateTime": snap.timestamp(paid_at),
        "referenceNo": "REF" + reference,
        "flagAdvise": "N",
        "additionalInfo": {"channel": channel, "ntpn": ntpn, "ntb": "NTB" + reference},
    }


def as_json(answer) -> dict:
    return json.loads(answer.content)
