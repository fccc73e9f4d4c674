"""The drills' data in the cluster's database: signed-in citizens of Kota Samarinda and the officers' sessions.

Run by drills.py with the cluster's environment (cluster.django_env()):

    .venv/bin/python deploy/drills/seed.py <out.json> [--citizens 120]

Citizens are real persons of the Dukcapil simulator (heads of a family and their wives in Kota Samarinda, 64.72,
who have no account yet): each gets a level-2 account with a confirmed e-mail and a phone number, our registry
copy read through the platform's own registry service (``PersonRecord`` and ``FamilyRecord``, as at a sign-in),
and a session made through Django's session engine, as a login leaves it. Officers (the demo's Disdukcapil
verifier and approver of Samarinda) get a session too. Prints nothing; writes <out.json>: the birth-certificate
service id, the form a parent sends for a newborn, and the sessions. Idempotent: citizens already seeded
(``@drill.mpp.test`` accounts) are kept and only new sessions made.
"""

import argparse
import json
import os
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from mpp.catalog.models import Service  # noqa: E402
from mpp.identity.models import AssuranceLevel, User  # noqa: E402
from mpp.identity.services import refresh_registry_data  # noqa: E402

REGION = "64.72"  # Kota Samarinda
BIRTH_SLUG = "akta-kelahiran"
EMAIL_DOMAIN = "drill.mpp.test"
OFFICERS = {"verifier": "verifikator.samarinda", "approver": "kadis.samarinda"}
ROOT = Path(__file__).resolve().parents[2]
DUKCAPIL_DB = ROOT / "var" / "cluster" / "dukcapil.sqlite3"


def session_for(user: User) -> str:
    """A signed-in session, as django.contrib.auth.login leaves it; returns its key (the sessionid cookie)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def registry_parents(limit: int) -> list[tuple[str, str]]:
    """(NIK, name) of married heads of family and wives living in Samarinda, born 1971–2005, from the
    simulator's own file (read only)."""
    with sqlite3.connect(f"file:{DUKCAPIL_DB}?mode=ro", uri=True) as db:
        rows = db.execute(
            """
            SELECT p.nik, p.name FROM persons p JOIN families f ON f.kk_number = p.kk_number
            WHERE f.village_code LIKE '64.72.%' AND p.is_deceased = 0
              AND p.relationship IN ('KEPALA KELUARGA', 'ISTRI') AND p.marital_status = 'KAWIN'
              AND p.birth_date BETWEEN '1971-01-01' AND '2005-12-31'
            ORDER BY p.nik LIMIT ?
            """,
            (limit,),
        ).fetchall()
    return rows


def unregistered_persons(count: int) -> list[dict]:
    """Registry persons of Samarinda without an account, for the registry drill's sign-ups (NIK, name, birth)."""
    taken = set(User.objects.filter(nik__startswith="6472").values_list("nik", flat=True))
    with sqlite3.connect(f"file:{DUKCAPIL_DB}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT nik, name, birth_date FROM persons WHERE nik LIKE '6472%' AND is_deceased = 0 "
            "AND birth_date BETWEEN '1960-01-01' AND '2000-12-31' ORDER BY nik DESC LIMIT ?",
            (count + len(taken),),
        ).fetchall()
    free = [{"nik": nik, "name": name, "birth_date": born} for nik, name, born in rows if nik not in taken]
    return free[:count]


def citizens(count: int) -> list[User]:
    """``count`` drill citizens: the ones seeded before, then new ones from the registry."""
    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk")[:count])
    if len(users) >= count:
        return users
    taken = set(User.objects.filter(nik__startswith="6472").values_list("nik", flat=True))
    joined = timezone.now() - timedelta(days=30)
    for nik, name in registry_parents(count * 10):
        if len(users) >= count:
            break
        if nik in taken:
            continue
        user = User(
            username=nik,
            nik=nik,
            first_name=name.title()[:150],
            email=f"{nik}@{EMAIL_DOMAIN}",
            phone=f"+62813{nik[-8:]}",
            email_verified_at=joined,
            assurance_level=AssuranceLevel.NIK_VERIFIED,
            nik_verified_at=joined,
        )
        user.set_unusable_password()
        user.save()
        refresh_registry_data(user=user, purpose="Uji ketahanan: data pemilik akun")
        users.append(user)
    if len(users) < count:
        raise SystemExit(f"only {len(users)} registry parents in {REGION} to seed")
    return users


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    # The cluster's registry (20,000 persons, seed 42) has 133 such parents in 64.72: a pool, not a limit.
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--signups", type=int, default=40, help="registry persons without an account, for sign-ups")
    args = parser.parse_args()
    service = Service.objects.get(region_id=REGION, template__slug=BIRTH_SLUG)
    people = citizens(args.citizens)
    officers = {role: User.objects.get(username=name) for role, name in OFFICERS.items()}
    born = timezone.localdate() - timedelta(days=3)
    result = {
        "service": str(service.pk),
        "form": {
            "child_name": "Ayu Lestari",
            "child_sex": "PEREMPUAN",
            "birth_date": born.isoformat(),
            "birth_time": "07:45",
            "birth_place": "Samarinda",
            "birth_order": "2",
            "birth_attendant": "bidan",
            "has_birth_letter": "tidak",
            "sptjm": "on",
            "truth": "on",
            "allow_duplicate": "on",  # a parent may send the same newborn again: every POST takes the whole path
        },
        "citizens": [{"user_id": user.pk, "session": session_for(user)} for user in people],
        "officers": {role: {"user_id": user.pk, "session": session_for(user)} for role, user in officers.items()},
        "signups": unregistered_persons(args.signups),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
