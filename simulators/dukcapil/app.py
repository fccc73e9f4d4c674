"""HTTP API of the registry simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.dukcapil.app:create_app

Every /api/v1 call goes: faults -> key -> quota -> handler -> access log. Errors are
always JSON {"error": code, "message": text}; bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.datastructures import FileStorage

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal, json_error
from . import faces, faults, institutions, records, schemas, store
from .faces import PhotoError
from .schemas import InvalidInput

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
# Eight frames of at most 2 MB each, plus the form fields.
MAX_REQUEST_BYTES = schemas.MAX_FRAMES * faces.MAX_PHOTO_BYTES + 512 * 1024


_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(db_path: str | None = None, environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app; configuration comes from the environment (see README.md).

    Raises ValueError at start-up for a malformed setting rather than serving with a
    guess.
    """
    env = os.environ if environ is None else environ
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=str(store.db_path_from_env(db_path or env.get("DUKCAPIL_DB"))),
        ADMIN_TOKEN=env.get("DUKCAPIL_ADMIN_TOKEN", ""),
        FAULT_DEFAULTS=faults.from_env(env),
        HANG_SECONDS=faults.hang_seconds_from_env(env),
        FACE_THRESHOLD=_threshold(env.get("DUKCAPIL_FACE_THRESHOLD")),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    store.connect(app.config["DB_PATH"]).close()  # the schema exists before the first call
    _register_hooks(app)
    _register_routes(app)
    return app


def _threshold(raw: str | None) -> float:
    if not raw:
        return faces.DEFAULT_THRESHOLD
    value = float(raw)
    if not 0 < value < 2:
        raise ValueError("DUKCAPIL_FACE_THRESHOLD must be between 0 and 2")
    return value


# --- the path of every API call ------------------------------------------------------


def _register_hooks(app: Flask) -> None:
    @app.before_request
    def guard_api() -> Response | None:
        if not request.path.startswith(API_PREFIX):
            return None
        g.started = institutions.now_wib()
        conn = _db()
        g.institution = _identify(conn)
        fault = _apply_faults(conn)
        if fault is not None:
            return fault
        if g.institution is None:
            return json_error(
                401, "unauthorized", "send Authorization: Bearer <API key>", {"WWW-Authenticate": "Bearer"}
            )
        if not institutions.take_quota(conn, g.institution, at=g.started):
            retry = institutions.seconds_until_quota_resets(g.started)
            return json_error(
                429,
                "quota_exceeded",
                f"daily quota of {g.institution.daily_quota} calls used up; it resets at midnight WIB",
                {"Retry-After": str(retry)},
            )
        return None

    @app.after_request
    def log_api_call(response: Response) -> Response:
        if request.path.startswith(API_PREFIX) and "started" in g:
            try:
                institutions.record_call(
                    _db(),
                    institution=g.get("institution"),
                    method=request.method,
                    endpoint=request.url_rule.rule if request.url_rule else request.path,
                    nik=g.get("nik") or (request.view_args or {}).get("nik"),
                    kk_number=g.get("kk_number") or (request.view_args or {}).get("kk_number"),
                    purpose=web.header_text("X-Purpose"),
                    actor=web.header_text("X-Actor"),
                    status=response.status_code,
                    at=g.started,
                )
            except sqlite3.Error:
                log.exception("could not write the access log")
        return response

    @app.errorhandler(InvalidInput)
    def invalid_input(exc: InvalidInput) -> Response:
        return json_error(422, exc.code, exc.message)

    @app.errorhandler(PhotoError)
    def bad_photo(exc: PhotoError) -> Response:
        return json_error(422, exc.code, exc.message)

    web.install_error_handlers(app, what="the registry simulator")


def _identify(conn: sqlite3.Connection) -> institutions.Institution | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return institutions.authenticate(conn, key.strip())


def _apply_faults(conn: sqlite3.Connection) -> Response | None:
    return fault_injection.fault_answer(
        fault_injection.delay_and_draw(fault_injection.current_faults(conn, current_app.config["FAULT_DEFAULTS"])),
        hang_seconds=current_app.config["HANG_SECONDS"],
        timeout=("upstream_timeout", "the registry did not answer in time (simulated)"),
        error=("unavailable", "the registry is overloaded (simulated)"),
        error_headers={"Retry-After": "5"},
    )


def _allowed() -> frozenset[str]:
    return g.institution.fields


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.post("/api/v1/verify")
    def verify() -> Response:
        nik, elements = schemas.parse_verify_body(request.get_json(silent=True, force=True))
        g.nik = nik
        result = records.verify_elements(store.get_person(_db(), nik), elements, _allowed())
        return jsonify(nik=nik, **result)

    @app.get("/api/v1/persons/<nik>")
    def person(nik: str) -> Response:
        schemas.parse_nik(nik)
        row = store.get_person(_db(), nik)
        if row is None:
            raise Refusal(404, "not_found", "no person with this NIK")
        return jsonify(records.person_view(row, _allowed()))

    @app.get("/api/v1/families/<kk_number>")
    def family(kk_number: str) -> Response:
        schemas.parse_kk_number(kk_number)
        if "family" not in _allowed():
            raise Refusal(403, "forbidden", "the agreement does not include family data")
        conn = _db()
        row = store.get_family(conn, kk_number)
        if row is None:
            raise Refusal(404, "not_found", "no family card with this number")
        return jsonify(records.family_view(row, store.family_members(conn, kk_number), _allowed()))

    @app.post("/api/v1/faces/enroll")
    def enroll_face() -> tuple[Response, int]:
        nik = g.nik = schemas.parse_nik(request.form.get("nik"))
        photo = request.files.get("photo")
        if photo is None:
            raise InvalidInput("missing_photo", "send the photo as a file named 'photo'")
        conn = _db()
        if not store.person_exists(conn, nik):
            raise Refusal(404, "not_found", "no person with this NIK")
        data = _read(photo)
        face = faces.read_face(data)
        store.save_enrolment(
            conn,
            nik=nik,
            encoding=faces.encoding_to_bytes(face.encoding),
            photo_sha256=face.pixels_sha256,
            now=institutions.now_wib().isoformat(),
        )
        return jsonify(nik=nik, enrolled=True), 201

    @app.post("/api/v1/faces/verify")
    def verify_face() -> Response:
        nik = g.nik = schemas.parse_nik(request.form.get("nik"))
        challenge = schemas.parse_challenge(request.form.get("challenge"))
        uploads = request.files.getlist("frames")
        schemas.check_frame_count(len(uploads))
        conn = _db()
        if not store.person_exists(conn, nik):
            raise Refusal(404, "not_found", "no person with this NIK")
        enrolment = store.get_enrolment(conn, nik)
        if enrolment is None:
            raise Refusal(404, "not_enrolled", "no face is recorded for this NIK")
        frames = []
        for index, upload in enumerate(uploads, start=1):
            try:
                frames.append(faces.read_face(_read(upload)))
            except PhotoError as exc:
                raise PhotoError(exc.code, f"frame {index}: {exc.message}") from None
        threshold = current_app.config["FACE_THRESHOLD"]
        check = faces.check_frames(faces.encoding_from_bytes(enrolment["encoding"]), frames, challenge, threshold)
        return jsonify(
            nik=nik,
            match=check.match,
            distance=check.distance,
            threshold=threshold,
            frame_distances=check.frame_distances,
            liveness={
                "passed": check.liveness.passed,
                "challenge": check.liveness.challenge,
                "reason": check.liveness.reason,
            },
        )

    @app.route("/_sim/faults", methods=["GET", "POST", "DELETE"])
    def sim_faults() -> Response:
        admin.require_admin(current_app.config["ADMIN_TOKEN"], header="X-Sim-Admin", variable="DUKCAPIL_ADMIN_TOKEN")
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])


def _read(upload: FileStorage) -> bytes:
    """The upload's bytes, reading at most one byte past the limit (which then fails)."""
    return upload.stream.read(faces.MAX_PHOTO_BYTES + 1)
