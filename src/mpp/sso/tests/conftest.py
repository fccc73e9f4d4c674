"""Personas and an OpenID Connect relying party driven through Django's test client.

``siti`` is a citizen at level 2 with her registry copy and family card; ``rina`` another
citizen; ``portal`` a confidential agency client allowed every scope. ``RelyingParty`` does
what an agency system does: authorization request with PKCE, consent, token exchange,
userinfo, refresh, and verifies ID tokens against the published JWKS.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone
from jwcrypto import jwk, jwt

from mpp.identity.models import User
from mpp.registry.models import FamilyRecord, PersonRecord
from mpp.sso.claims import SCOPES
from mpp.sso.models import AgencyClient

SITI_NIK = "6472015204900003"
BUDI_NIK = "6472010309870001"
ANAK_NIK = "6472011506150002"
KK = "6472010101100001"
RINA_NIK = "3372015107950004"
SECRET = "rahasia-klien-portal-yang-panjang-dan-acak-1234567890"
REDIRECT_URI = "https://portal.example.go.id/oidc/callback"
LOGOUT_URI = "https://portal.example.go.id/keluar"
ISSUER = "http://testserver/o"


def make_citizen(nik: str, *, level: int = 2, email: str = "", phone: str = "", verified_email: bool = True) -> User:
    now = timezone.now()
    return User.objects.create_user(
        username=nik,
        password="correct-horse-battery",
        nik=nik,
        email=email or f"{nik}@example.test",
        email_verified_at=now if verified_email else None,
        phone=phone,
        assurance_level=level,
        nik_verified_at=now if level >= 2 else None,
        face_verified_at=now if level >= 3 else None,
    )


def make_person(nik: str, *, name: str, sex: str = "PEREMPUAN", relationship: str = "ISTRI", **extra) -> PersonRecord:
    data = {
        "nik": nik,
        "kk_number": KK,
        "name": name,
        "birth_place": "SAMARINDA",
        "birth_date": "1990-04-12",
        "sex": sex,
        "religion": "ISLAM",
        "marital_status": "KAWIN",
        "occupation": "KARYAWAN SWASTA",
        "relationship": relationship,
        "father_name": "AHMAD",
        "mother_name": "AMINAH",
        "address": {
            "street": "JL. PAHLAWAN NO. 12",
            "rt": "003",
            "rw": "002",
            "village_code": "64.72.01.1001",
            "village_name": "SIDODADI",
            "district_code": "64.72.01",
            "district_name": "SAMARINDA ULU",
            "regency_code": "64.72",
            "regency_name": "KOTA SAMARINDA",
            "province_code": "64",
            "province_name": "KALIMANTAN TIMUR",
            "postal_code": "75123",
        },
        **extra,
    }
    return PersonRecord.objects.create(
        nik=nik, kk_number=KK, data=data, source="Dukcapil Kemendagri", retrieved_at=timezone.now()
    )


def make_family() -> FamilyRecord:
    members = [
        {"nik": BUDI_NIK, "name": "BUDI SANTOSO", "relationship": "KEPALA KELUARGA", "sex": "LAKI-LAKI"},
        {"nik": SITI_NIK, "name": "SITI RAHMAWATI", "relationship": "ISTRI", "sex": "PEREMPUAN"},
        {"nik": ANAK_NIK, "name": "PUTRI SANTOSO", "relationship": "ANAK", "sex": "PEREMPUAN"},
    ]
    for member in members:
        member["birth_date"] = "2015-06-15"
    return FamilyRecord.objects.create(
        kk_number=KK,
        data={"kk_number": KK, "address": {}, "members": members},
        source="Dukcapil Kemendagri",
        retrieved_at=timezone.now(),
    )


def make_client(*, name="Portal Perizinan", agency_name="Dinas Penanaman Modal", scopes=None, **extra) -> AgencyClient:
    return AgencyClient.objects.create(
        name=name,
        agency_name=agency_name,
        client_secret=SECRET,
        redirect_uris=REDIRECT_URI,
        post_logout_redirect_uris=LOGOUT_URI,
        allowed_scopes=list(SCOPES) if scopes is None else scopes,
        **extra,
    )


@pytest.fixture
def siti(db):
    user = make_citizen(SITI_NIK, phone="+6281234567890")
    make_person(SITI_NIK, name="SITI RAHMAWATI")
    make_family()
    return user


@pytest.fixture
def rina(db):
    user = make_citizen(RINA_NIK)
    make_person(RINA_NIK, name="RINA WULANDARI")
    return user


@pytest.fixture
def portal(db):
    return make_client()


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class RelyingParty:
    """An agency system, as seen from the provider: each call is one HTTP request through ``web``."""

    web: object
    client: AgencyClient
    secret: str = SECRET
    redirect_uri: str = REDIRECT_URI
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def authorize_url(self, scope="openid profile nik", *, pkce=True, **params) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": self.state,
            "nonce": self.nonce,
        }
        if pkce:
            query |= {"code_challenge": s256(self.verifier), "code_challenge_method": "S256"}
        query |= params
        return "/o/authorize/?" + urlencode({k: v for k, v in query.items() if v is not None})

    def start(self, scope="openid profile nik", **params):
        """GET the authorization endpoint: the consent screen (200) or a redirect."""
        return self.web.get(self.authorize_url(scope, **params))

    def consent(self, start_response, *, allow=True):
        """POST the consent form shown by ``start_response``; returns the redirect."""
        form = start_response.context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data["allow"] = "true" if allow else "false"
        return self.web.post(start_response.request["PATH_INFO"] + "?" + start_response.request["QUERY_STRING"], data)

    def sign_in(self, scope="openid profile nik", **params) -> str:
        """Authorization code for a consenting citizen (consent screen answered when it shows)."""
        response = self.start(scope, **params)
        if response.status_code == 200:
            response = self.consent(response)
        assert response.status_code == 302, response.content.decode()[:500]
        answer = query_of(response["Location"])
        assert answer.get("state") == self.state, answer
        assert "code" in answer, answer
        return answer["code"]

    def token(self, **data):
        auth = base64.b64encode(f"{self.client.client_id}:{self.secret}".encode()).decode()
        return self.web.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {auth}")

    def exchange(self, code: str, *, verifier: str | None = "default"):
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        if verifier == "default":
            verifier = self.verifier
        if verifier is not None:
            data["code_verifier"] = verifier
        return self.token(**data)

    def tokens(self, scope="openid profile nik", **params) -> dict:
        response = self.exchange(self.sign_in(scope, **params))
        assert response.status_code == 200, response.content
        return response.json()

    def refresh(self, refresh_token: str):
        return self.token(grant_type="refresh_token", refresh_token=refresh_token)

    def userinfo(self, access_token: str):
        return self.web.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")

    def verified_id_token(self, id_token: str) -> dict:
        """The ID token's claims after checking its signature against the JWKS and its iss/aud/exp."""
        keys = jwk.JWKSet.from_json(self.web.get("/o/.well-known/jwks.json").content)
        token = jwt.JWT(
            jwt=id_token,
            key=keys,
            algs=["RS256"],
            check_claims={"iss": ISSUER, "aud": self.client.client_id, "exp": None},
        )
        return json.loads(token.claims)


@pytest.fixture
def rp(client, portal):
    return RelyingParty(client, portal)
