"""The handed-over portal: the agency's own pages where a citizen applies (for korlantas: renews
a SIM) after signing in with MPP Digital, and the case is then reported to MPP Digital so that
it shows among the citizen's applications there.

    GET  /portal/                    start page: "Masuk dengan MPP Digital", or the citizen's cases
    GET  /portal/login               to the provider's authorization endpoint (code flow, PKCE S256)
    GET  /portal/callback            code -> tokens, ID token verified, userinfo; signed in
    GET  /portal/<service code>      the profile's form (portal.fields)
    POST /portal/<service code>      a case in the store (handed_over), reported to the platform
    GET  /portal/kasus/<case id>     the case and its statuses
    POST /portal/keluar              sign out

Server-rendered Indonesian HTML (templates/portal, static/portal.css), no JavaScript. The
session is Flask's signed cookie: the sign-in's state, nonce and PKCE verifier, then the
citizen's sub, name and NIK, and a CSRF token for the forms.

A case applied for here is stored with its report to the platform queued first (the outbox,
like a status update): POST <platform>/api/v1/agency/cases with Idempotency-Key
<case id>:created. The portal tries it at once; if the platform is unreachable the worker
retries it until it goes, and the status updates wait for it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from .. import sqlite_store
from . import decision, oidc, outbound, store, worker
from .profiles import Profile, rupiah, tanggal
from .settings import Settings
from .store import WIB, NewUpdate

PORTAL_HTTP_TIMEOUT_SECONDS = 5  # the citizen waits for the first report attempt; the worker retries
SIGN_IN_SECONDS = 600  # a sign-in started longer ago is refused at the callback
CASES_PATH = "/api/v1/agency/cases"
TOKEN_PATH = "/o/token/"
STATE_TEXT = {
    "sent": "Terkirim ke MPP Digital",
    "pending": "Menunggu dikirim ke MPP Digital",
    "failed": "Gagal dikirim",
}
Page = Response | str | tuple[str, int]


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_url}/portal/callback"


def install(app: Flask, settings: Settings, db: Callable[[], sqlite3.Connection]) -> None:
    """Serve the portal of the settings' profile on `app` (its OIDC settings are given);
    `db` is the app's connection of the current thread."""
    profile = settings.profile
    assert profile.portal is not None
    secret = (
        settings.session_secret
        or hmac.new(
            settings.oidc_client_secret.encode(), f"agency-portal-session:{profile.code}".encode(), hashlib.sha256
        ).hexdigest()
    )
    app.secret_key = secret
    app.config.update(
        SESSION_COOKIE_NAME=f"agency_{profile.code}_portal",
        SESSION_COOKIE_PATH="/portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # the provider's redirect back is a top-level GET: the cookie comes along
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )
    http = httpx.Client(timeout=PORTAL_HTTP_TIMEOUT_SECONDS)
    app.extensions["agency_portal"] = {
        "oidc": oidc.Client(
            httpx.Client(timeout=oidc.HTTP_TIMEOUT_SECONDS),
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            redirect_uri=redirect_uri(settings),
        ),
        "db": db,
        "http": http,
        "tokens": outbound.TokenCache(http, settings.client_id, settings.client_secret),
    }
    app.register_blueprint(_blueprint(profile))

    @app.template_filter("rupiah")
    def _rupiah(amount: int) -> str:
        return rupiah(amount)


def _blueprint(profile: Profile) -> Blueprint:
    assert profile.portal is not None
    portal = profile.portal
    bp = Blueprint("portal", __name__, url_prefix="/portal", static_folder="static", template_folder="templates")

    @bp.context_processor
    def common() -> dict[str, object]:
        return {"profile": profile, "portal": portal, "user": session.get("user"), "csrf": session.get("csrf")}

    @bp.get("/")
    def start() -> Page:
        user = session.get("user")
        cases = [_case_summary(row) for row in store.cases_of_subject(_db(), user["sub"])] if user else []
        return render_template("portal/start.html", cases=cases)

    @bp.get("/login")
    def login() -> Page:
        client: oidc.Client = _ext("oidc")
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier, challenge = oidc.pkce_pair()
        try:
            target = client.authorization_url(state=state, nonce=nonce, code_challenge=challenge)
        except oidc.OidcError as exc:
            current_app.logger.warning("portal sign-in: %s", exc)
            return _problem("MPP Digital tidak dapat dihubungi", "Silakan coba beberapa saat lagi.", 502)
        wanted = request.args.get("next", "")
        session["oidc"] = {"state": state, "nonce": nonce, "verifier": verifier, "at": time.time()}
        session["next"] = wanted if wanted.startswith("/portal/") and "//" not in wanted else None
        return redirect(target, 302)

    @bp.get("/callback")
    def callback() -> Page:
        pending = session.pop("oidc", None)
        wanted = session.pop("next", None)
        if request.args.get("error"):
            return _problem("Masuk dibatalkan", "Anda tidak jadi masuk dengan MPP Digital.", 400, again=True)
        state = request.args.get("state", "")
        if (
            not isinstance(pending, dict)
            or not secrets.compare_digest(state.encode(), str(pending.get("state", "")).encode())
            or time.time() - float(pending.get("at", 0)) > SIGN_IN_SECONDS
        ):
            return _problem("Sesi masuk tidak berlaku", "Silakan masuk kembali.", 400, again=True)
        client: oidc.Client = _ext("oidc")
        try:
            issuer = client.provider().issuer
            if "iss" in request.args and request.args["iss"] != issuer:  # RFC 9207: a mix-up
                raise oidc.OidcError(f"the authorization response came from {request.args['iss']!r}")
            code = request.args.get("code", "")
            if not code:
                raise oidc.OidcError("the authorization response has no code")
            tokens = client.exchange(code, pending["verifier"])
            claims = client.verify_id_token(str(tokens["id_token"]), nonce=pending["nonce"])
            info = client.userinfo(str(tokens["access_token"]), str(claims["sub"]))
        except oidc.OidcError as exc:
            current_app.logger.warning("portal sign-in refused: %s", exc)
            return _problem("Gagal masuk dengan MPP Digital", "Tanda masuk dari MPP Digital tidak sah.", 400, True)
        session.clear()
        session["user"] = {
            "sub": claims["sub"],
            "name": info.get("name") if isinstance(info.get("name"), str) else "",
            "nik": info.get("nik") if isinstance(info.get("nik"), str) else "",
        }
        session["csrf"] = secrets.token_urlsafe(32)
        return redirect(wanted or url_for("portal.start"), 302)

    def apply() -> Page:
        user = session.get("user")
        if not user:
            return redirect(url_for("portal.login", next=request.path), 302)
        if not user.get("nik"):
            return _problem(
                "NIK belum terverifikasi",
                "Akun MPP Digital Anda belum memiliki NIK yang terverifikasi. Verifikasi NIK Anda di MPP Digital, "
                "lalu masuk kembali.",
                403,
            )
        values: dict[str, str] = {}
        errors: dict[str, str] = {}
        if request.method == "POST":
            if not _csrf_ok():
                return _stale_form()
            values = {name: request.form.get(name, "").strip() for name in portal.fields}
            form, errors = _validate(profile, values)
            if not errors:
                case_id = _create_case(profile, user, form)
                return redirect(url_for("portal.show_case", case_id=case_id), 303)
        return render_template("portal/form.html", values=values, errors=errors, fields=_fields(profile)), (
            422 if errors else 200
        )

    bp.add_url_rule(f"/{portal.service_code}", "apply", apply, methods=["GET", "POST"])

    @bp.get("/kasus/<case_id>")
    def show_case(case_id: str) -> Page:
        user = session.get("user")
        if not user:
            return redirect(url_for("portal.login", next=request.path), 302)
        conn = _db()
        row = store.get_case(conn, case_id)
        if row is None or not row["handed_over"] or row["subject"] != user["sub"]:
            return _problem("Permohonan tidak ditemukan", "Tidak ada permohonan Anda dengan nomor ini.", 404)
        return render_template("portal/case.html", case=_case_detail(conn, profile, row))

    @bp.post("/keluar")
    def sign_out() -> Page:
        if not _csrf_ok():
            return _stale_form()
        session.clear()
        return redirect(url_for("portal.start"), 303)

    return bp


# --- the case ---------------------------------------------------------------------------


def _create_case(profile: Profile, user: Mapping[str, str], form: dict[str, str]) -> str:
    """Store the case with its report queued, try the report once, and leave the rest to the worker."""
    assert profile.portal is not None
    settings: Settings = current_app.config["SETTINGS"]
    now = time.time()
    application = {
        "tracking_number": None,
        "service": {"code": profile.portal.service_code, "name": profile.portal.service_name},
        "region_code": settings.region_code,
        "channel": "agency_portal",
        "submitted_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        "applicant": {"nik": user["nik"], "name": user["name"]},
        "form": form,
        "attachments": [],
    }
    initial = profile.initial_status
    conn = _db()
    with sqlite_store.transaction(conn):
        case_id = store.new_case_id(conn, profile.case_prefix)
        reference = decision.registration_number(conn, profile, application)
        case_pk = store.add_handed_over_case(
            conn,
            case_id=case_id,
            application=application,
            subject=user["sub"],
            external_reference=reference,
            report=NewUpdate(initial.code, initial.label, reference, initial.outcome),
            report_url=settings.platform_url + CASES_PATH,
            token_url=settings.platform_url + TOKEN_PATH,
            now=now,
            process_at=now + settings.processing_delay,
        )
    report_id = conn.execute(
        "SELECT id FROM status_updates WHERE case_pk = ? AND kind = 'report'", (case_pk,)
    ).fetchone()["id"]
    update = store.claim_update_by_id(conn, report_id, time.time(), worker.LEASE_SECONDS)
    if update is not None:  # else the worker has it already
        worker.attempt(conn, _ext("http"), _ext("tokens"), update, settings.retry_base)
    current_app.extensions["agency_worker"].wake()
    return case_id


def _validate(profile: Profile, values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The form to store (blank answers and those not asked for now left out) and the errors
    per field, in Indonesian."""
    form = {name: value for name, value in values.items() if value}
    for name, spec in profile.fields.items():  # e.g. an address when the SIM is picked up
        if name in form and spec.required_when and not _holds(spec.required_when, form):
            del form[name]
    errors = {name: "Wajib diisi." for name in profile.missing_fields(form)}
    for name, value in form.items():
        spec = profile.fields[name]
        if name in errors:
            continue
        if spec.type == "choice" and value not in spec.choices:
            errors[name] = "Pilih salah satu pilihan."
        elif len(value) > spec.max_length:
            errors[name] = f"Paling banyak {spec.max_length} karakter."
    return form, errors


def _holds(condition: Mapping[str, tuple[str, ...]], form: Mapping[str, str]) -> bool:
    return all(form.get(name) in values for name, values in condition.items())


def _fields(profile: Profile) -> list[dict[str, object]]:
    """The portal's fields as the form template draws them."""
    assert profile.portal is not None
    drawn = []
    for name in profile.portal.fields:
        spec = profile.fields[name]
        when = [
            f"“{profile.fields[other].choices.get(value, value)}”"
            for other, values in spec.required_when.items()
            for value in values
        ]
        hint = " ".join([spec.help, f"Wajib diisi bila memilih {' atau '.join(when)}." if when else ""]).strip()
        drawn.append(
            {
                "name": name,
                "label": spec.label,
                "type": spec.type,
                "choices": spec.choices,
                "hint": hint,
                "max_length": spec.max_length,
                "required": name in profile.required_fields,
            }
        )
    return drawn


def _case_summary(row: sqlite3.Row) -> dict[str, object]:
    return {
        "case_id": row["case_id"],
        "external_reference": row["external_reference"],
        "tracking_number": row["tracking_number"] or None,
        "received": _waktu(row["received_at"]),
        "decision": row["decision"],
    }


def _case_detail(conn: sqlite3.Connection, profile: Profile, row: sqlite3.Row) -> dict[str, object]:
    application = json.loads(row["application"])
    form = decision.form_of(application)
    updates = store.updates_of(conn, row["id"])
    report = next((u for u in updates if u["kind"] == "report"), None)
    answers = []
    for name, value in form.items():
        spec = profile.fields.get(name)
        if spec is not None:
            answers.append((spec.label, spec.choices.get(value, value) if isinstance(value, str) else value))
    appointment = decision.appointment_view(profile, store.appointment_of(conn, row["id"]))
    return {
        **_case_summary(row),
        "service": application.get("service", {}).get("name", ""),
        "report_state": report["state"] if report else None,
        "fee": profile.fee.for_form(form),
        "answers": answers,
        "appointment": appointment,
        "statuses": [
            {
                "code": u["status"],
                "label": next((s.label for s in profile.statuses if s.code == u["status"]), u["status"]),
                "note": u["note"],
                "state": STATE_TEXT.get(u["state"], u["state"]),
                "sent_at": _waktu(u["finished_at"]) if u["state"] == "sent" else None,
            }
            for u in updates
        ],
    }


# --- small things -------------------------------------------------------------------------


def _db() -> sqlite3.Connection:
    return current_app.extensions["agency_portal"]["db"]()


def _ext(name: str) -> Any:  # one of the portal's shared objects
    return current_app.extensions["agency_portal"][name]


def _csrf_ok() -> bool:
    given = request.form.get("csrf", "")
    expected = session.get("csrf")
    return isinstance(expected, str) and secrets.compare_digest(given.encode(), expected.encode())


def _stale_form() -> tuple[str, int]:
    return _problem("Formulir kedaluwarsa", "Muat ulang halaman, lalu kirim kembali.", 400)


def _problem(title: str, message: str, status: int, again: bool = False) -> tuple[str, int]:
    return render_template("portal/problem.html", title=title, message=message, again=again), status


def _waktu(epoch: float | None) -> str | None:
    """7 Desember 2026, 09.15 WIB."""
    if epoch is None:
        return None
    at = datetime.fromtimestamp(epoch, WIB)
    return f"{tanggal(at.date()).split(', ', 1)[1]}, {at:%H.%M} WIB"
