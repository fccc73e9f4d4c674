"""Bench-only: the accounts, agency client, tokens and codes of the identity scenarios.

Run by bench/identity.py with the benchmark's environment (its PostgreSQL database):

    python bench/identity_seed.py <out_dir> --codes N --refresh-tokens N

Creates, through the models (so DOT's checksum and secret-hashing fields do their work):
- one citizen at level 2 with a registry copy (PersonRecord) and family card, the subject
  of the userinfo scenario, and an agency client allowed every scope (confidential,
  authorization code, RS256) whose secret is hashed like any other;
- access tokens for that citizen and client that expire in ten years;
- authorization codes (Grant rows, PKCE S256 of one known verifier) and refresh tokens
  (each with its access token), single-use, split into a warm-up file and a measured file (codes also into
  a file for the profiling pass, bench/profiles.py);
- login accounts: citizens at level 2 with a confirmed e-mail and a fresh registry copy
  (so signing in does not call the registry), all with one password hashed once.

Writes one value per line to files in <out_dir> for the wrk scripts, and prints a JSON
object on stdout: the client's credentials, the files, values kept back for the checks
before each scenario, and what one Argon2 check costs here.
"""

import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from oauth2_provider.generators import generate_client_secret  # noqa: E402
from oauth2_provider.models import (  # noqa: E402
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
    set_token_value,
)

from mpp.identity.models import AssuranceLevel, User  # noqa: E402
from mpp.registry.models import FamilyRecord, PersonRecord  # noqa: E402
from mpp.sso.claims import SCOPES  # noqa: E402
from mpp.sso.models import AgencyClient  # noqa: E402

AccessToken = get_access_token_model()
Grant = get_grant_model()
RefreshToken = get_refresh_token_model()

SCOPE = "openid profile nik address email"
REDIRECT_URI = "https://portal.example.go.id/oidc/callback"
LOGIN_PASSWORD = "sandi-uji-beban-MPP-2026"
USERINFO_TOKENS = 1_000
LOGIN_ACCOUNTS = 2_000
FAR_AHEAD = timedelta(days=3650)
BATCH = 2_000

SUBJECT_NIK = "6472035204900001"  # SITI RAHMAWATI, a demo person of the registry simulator
SUBJECT_KK = "6472031803200001"
ADDRESS = {
    "street": "JL. PAHLAWAN NO. 12",
    "rt": "003",
    "rw": "002",
    "village_code": "64.72.03.1004",
    "village_name": "SIDODADI",
    "district_code": "64.72.03",
    "district_name": "SAMARINDA ULU",
    "regency_code": "64.72",
    "regency_name": "KOTA SAMARINDA",
    "province_code": "64",
    "province_name": "KALIMANTAN TIMUR",
    "postal_code": "75123",
}


def person_data(nik: str, *, name: str, kk_number: str, sex: str, birth_date: str, relationship: str) -> dict:
    """A registry copy shaped like what mpp.registry stores from Dukcapil's GET /persons/<nik>."""
    return {
        "nik": nik,
        "kk_number": kk_number,
        "name": name,
        "birth_place": "SAMARINDA",
        "birth_date": birth_date,
        "sex": sex,
        "religion": "ISLAM",
        "marital_status": "KAWIN",
        "occupation": "KARYAWAN SWASTA",
        "blood_type": "TIDAK TAHU",
        "nationality": "WNI",
        "relationship": relationship,
        "father_name": "AHMAD",
        "mother_name": "AMINAH",
        "is_deceased": False,
        "address": ADDRESS,
    }


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def citizen(nik: str, *, password_hash: str, now) -> User:
    return User(
        username=nik,
        nik=nik,
        email=f"{nik}@contoh.go.id",
        password=password_hash,
        email_verified_at=now,
        assurance_level=AssuranceLevel.NIK_VERIFIED,
        nik_verified_at=now,
    )


def create_subject_and_client(now) -> tuple[User, AgencyClient, str]:
    subject = citizen(SUBJECT_NIK, password_hash=make_password(None), now=now)
    subject.phone = "+6281234567890"
    subject.save()
    PersonRecord.objects.create(
        nik=SUBJECT_NIK,
        kk_number=SUBJECT_KK,
        data=person_data(
            SUBJECT_NIK,
            name="SITI RAHMAWATI",
            kk_number=SUBJECT_KK,
            sex="PEREMPUAN",
            birth_date="1990-04-12",
            relationship="ISTRI",
        ),
        source="Dukcapil Kemendagri",
        retrieved_at=now,
    )
    members = [
        {"nik": "6472030309870001", "name": "BUDI SANTOSO", "relationship": "KEPALA KELUARGA"},
        {"nik": SUBJECT_NIK, "name": "SITI RAHMAWATI", "relationship": "ISTRI"},
        {"nik": "6472032107160001", "name": "AHMAD FAUZI SANTOSO", "relationship": "ANAK"},
    ]
    FamilyRecord.objects.create(
        kk_number=SUBJECT_KK,
        data={"kk_number": SUBJECT_KK, "address": ADDRESS, "members": members},
        source="Dukcapil Kemendagri",
        retrieved_at=now,
    )
    secret = generate_client_secret()
    client = AgencyClient(
        name="Portal Perizinan (uji beban)",
        agency_name="DPMPTSP Kota Samarinda",
        client_secret=secret,  # hashed on save with settings.PASSWORD_HASHERS[0], as the admin does
        redirect_uris=REDIRECT_URI,
        post_logout_redirect_uris="https://portal.example.go.id/keluar",
        allowed_scopes=list(SCOPES),
    )
    client.full_clean()
    client.save()
    return subject, client, secret


def access_token(user, client, expires) -> tuple[AccessToken, str]:
    raw = secrets.token_urlsafe(30)
    token = AccessToken(user=user, application=client, scope=SCOPE, expires=expires)
    set_token_value(token, raw)  # the checksum is computed on save; the raw value is not stored
    return token, raw


def create_access_tokens(user, client, count: int, expires) -> list[str]:
    pairs = [access_token(user, client, expires) for _ in range(count)]
    AccessToken.objects.bulk_create([token for token, _raw in pairs], batch_size=BATCH)
    return [raw for _token, raw in pairs]


def create_grants(user, client, count: int, *, verifier: str, expires) -> list[str]:
    challenge = s256(verifier)
    codes = [secrets.token_urlsafe(30) for _ in range(count)]
    Grant.objects.bulk_create(
        [
            Grant(
                user=user,
                application=client,
                code=code,
                expires=expires,
                redirect_uri=REDIRECT_URI,
                scope=SCOPE,
                code_challenge=challenge,
                code_challenge_method="S256",
                nonce=secrets.token_urlsafe(16),
            )
            for code in codes
        ],
        batch_size=BATCH,
    )
    return codes


def create_refresh_tokens(user, client, count: int, *, now) -> list[str]:
    """Refresh tokens as a client holds them after its access token expired: each with that access token."""
    pairs = [access_token(user, client, now - timedelta(minutes=1)) for _ in range(count)]
    access_tokens = AccessToken.objects.bulk_create([token for token, _raw in pairs], batch_size=BATCH)
    raws, refresh_tokens = [], []
    for token in access_tokens:
        raw = secrets.token_urlsafe(30)
        refresh = RefreshToken(user=user, application=client, access_token=token, token_family=uuid.uuid4())
        set_token_value(refresh, raw)
        refresh_tokens.append(refresh)
        raws.append(raw)
    RefreshToken.objects.bulk_create(refresh_tokens, batch_size=BATCH)
    return raws


def login_nik(index: int) -> str:
    """A NIK shaped like the registry's: kecamatan 64.72.03, born 1 Jan 1990 (+40 for women), serial."""
    day = 1 if index % 2 else 41
    return f"647203{day:02d}0190{index + 1:04d}"


def create_login_accounts(count: int, *, now) -> tuple[list[str], dict]:
    """Citizens sharing one password, hashed once (the hash is copied: a hash per row would take minutes)."""
    hasher = get_hasher()
    started = time.perf_counter()
    password_hash = make_password(LOGIN_PASSWORD)
    hash_ms = (time.perf_counter() - started) * 1000
    started, cpu_started = time.perf_counter(), time.process_time()
    if not check_password(LOGIN_PASSWORD, password_hash):
        raise SystemExit("the login password does not check against its own hash")
    check_ms = (time.perf_counter() - started) * 1000
    check_cpu_ms = (time.process_time() - cpu_started) * 1000  # all threads: Argon2's lanes run in parallel
    niks = [login_nik(index) for index in range(count)]
    User.objects.bulk_create([citizen(nik, password_hash=password_hash, now=now) for nik in niks], batch_size=BATCH)
    records = []
    for index, nik in enumerate(niks):
        kk_number = f"647203{(index % 28) + 1:02d}0115{index + 1:04d}"
        data = person_data(
            nik,
            name=f"WARGA UJI {index + 1:04d}",
            kk_number=kk_number,
            sex="LAKI-LAKI" if index % 2 else "PEREMPUAN",
            birth_date="1990-01-01",
            relationship="KEPALA KELUARGA",
        )
        records.append(
            PersonRecord(nik=nik, kk_number=kk_number, data=data, source="Dukcapil Kemendagri", retrieved_at=now)
        )
    PersonRecord.objects.bulk_create(records, batch_size=BATCH)
    argon2 = {
        "algorithm": hasher.algorithm,
        "time_cost": getattr(hasher, "time_cost", None),
        "memory_cost_kib": getattr(hasher, "memory_cost", None),
        "parallelism": getattr(hasher, "parallelism", None),
        "hash_ms": round(hash_ms, 1),
        "check_ms": round(check_ms, 1),
        "check_cpu_ms": round(check_cpu_ms, 1),
    }
    return niks, argon2


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="ascii")
    return str(path)


def split(values: list[str], warm_up: int) -> tuple[str, list[str], list[str]]:
    """(one value for the check, the warm-up's, the measured run's): never the same value twice."""
    return values[0], values[1 : 1 + warm_up], values[1 + warm_up :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--codes", type=int, required=True, help="authorization codes for the measured run")
    parser.add_argument("--refresh-tokens", type=int, required=True, help="refresh tokens for the measured run")
    parser.add_argument("--warm-up-share", type=float, default=0.25, help="extra share for the warm-up run")
    parser.add_argument("--profile-share", type=float, default=0.0, help="extra share of codes for profiling")
    args = parser.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    verifier = secrets.token_urlsafe(48)
    warm_codes = int(args.codes * args.warm_up_share) + 1
    warm_refresh = int(args.refresh_tokens * args.warm_up_share) + 1
    profile_codes = int(args.codes * args.profile_share) + 1

    with transaction.atomic():
        subject, client, secret = create_subject_and_client(now)
        tokens = create_access_tokens(subject, client, USERINFO_TOKENS, now + FAR_AHEAD)
        count = 1 + warm_codes + profile_codes + args.codes
        codes = create_grants(subject, client, count, verifier=verifier, expires=now + FAR_AHEAD)
        refresh = create_refresh_tokens(subject, client, 1 + warm_refresh + args.refresh_tokens, now=now)
        niks, argon2 = create_login_accounts(LOGIN_ACCOUNTS, now=now)

    code_check, code_warm, code_rest = split(codes, warm_codes)
    code_profile, code_measured = code_rest[:profile_codes], code_rest[profile_codes:]
    refresh_check, refresh_warm, refresh_measured = split(refresh, warm_refresh)
    redirect = quote(REDIRECT_URI, safe="")
    code_body = "grant_type=authorization_code&code={}&redirect_uri=" + redirect + "&code_verifier=" + verifier
    refresh_body = "grant_type=refresh_token&refresh_token={}"
    # One address per account: the per-IP login limit counts per client address, as behind the load balancer.
    logins = [f"{nik}\t10.{20 + index // 250}.{index % 250}.{1 + index % 200}" for index, nik in enumerate(niks)]
    print(
        json.dumps(
            {
                "client_id": client.client_id,
                "client_secret": secret,
                "basic_auth": base64.b64encode(f"{quote(client.client_id)}:{quote(secret)}".encode()).decode(),
                "subject_nik": subject.nik,
                "scope": SCOPE,
                "login_password": LOGIN_PASSWORD,
                "argon2": argon2,
                "check": {
                    "access_token": tokens[0],
                    "code_body": code_body.format(code_check),
                    "refresh_body": refresh_body.format(refresh_check),
                    "login_username": niks[0],
                },
                "files": {
                    "access_tokens": write_lines(out / "access-tokens.txt", tokens[1:]),
                    "code_bodies_warm_up": write_lines(
                        out / "code-bodies-warm-up.txt", [code_body.format(c) for c in code_warm]
                    ),
                    "code_bodies_profile": write_lines(
                        out / "code-bodies-profile.txt", [code_body.format(c) for c in code_profile]
                    ),
                    "code_bodies": write_lines(out / "code-bodies.txt", [code_body.format(c) for c in code_measured]),
                    "refresh_bodies_warm_up": write_lines(
                        out / "refresh-bodies-warm-up.txt", [refresh_body.format(r) for r in refresh_warm]
                    ),
                    "refresh_bodies": write_lines(
                        out / "refresh-bodies.txt", [refresh_body.format(r) for r in refresh_measured]
                    ),
                    "logins": write_lines(out / "logins.txt", logins[1:]),
                },
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
