"""HTTP API of the registry simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.dukcapil.app:create_app

Every /api/v1 call goes: faults -> key -> quota -> handler -> access log; a write (a
civil-registration event) then needs the "events" agreement and an Idempotency-Key, and
is recorded in the events table. Errors are always JSON {"error": code, "message": text}
(422s of events add "errors": {field: problem}); bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from datetime import date

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.datastructures import FileStorage

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal, json_error
from . import civil_registration, event_bodies, events, faces, faults, institutions, records, schemas, store
from .civil_registration import Change
from .faces import PhotoError
from .schemas import InvalidInput

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
# Eight frames of at most 2 MB each, plus the form fields.
MAX_REQUEST_BYTES = schemas.MAX_FRAMES * faces.MAX_PHOTO_BYTES + 512 * 1024
MAX_EVENT_BYTES = 64 * 1024


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
        if request.mimetype != "multipart/form-data":
            # Read the body before any early answer: granian closes a keep-alive connection
            # whose request body was left unread. (Uploads of faces are read when parsed.)
            request.get_data()
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
        body: dict[str, object] = {"error": exc.code, "message": exc.message}
        if exc.errors is not None:
            body["errors"] = exc.errors
        response = jsonify(body)
        response.status_code = 422
        return response

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

    _register_event_routes(app)

    @app.route("/_sim/faults", methods=["GET", "POST", "DELETE"])
    def sim_faults() -> Response:
        admin.require_admin(current_app.config["ADMIN_TOKEN"], header="X-Sim-Admin", variable="DUKCAPIL_ADMIN_TOKEN")
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])


def _register_event_routes(app: Flask) -> None:
    """Writes: civil-registration events, and reading back an event the institution wrote."""

    @app.post("/api/v1/events/births")
    def register_birth() -> tuple[Response, int]:
        birth = event_bodies.parse_birth(_event_body(), today=_today())
        g.nik, g.kk_number = birth.mother_nik, birth.kk_number
        answer = _write(
            "birth",
            birth,
            lambda conn: civil_registration.register_birth(conn, birth, today=_today(), allowed=_allowed()),
        )
        g.nik = answer.body.get("nik", g.nik)  # the child, once registered
        return _respond(answer)

    @app.post("/api/v1/events/deaths")
    def register_death() -> tuple[Response, int]:
        death = event_bodies.parse_death(_event_body(), today=_today())
        g.nik = death.nik
        return _respond(_write("death", death, lambda conn: civil_registration.register_death(conn, death)))

    @app.post("/api/v1/events/moves")
    def register_move() -> tuple[Response, int]:
        move = event_bodies.parse_move(_event_body())
        g.kk_number = move.kk_number
        return _respond(_write("move", move, lambda conn: civil_registration.register_move(conn, move, today=_today())))

    @app.post("/api/v1/events/marriages")
    def register_marriage() -> tuple[Response, int]:
        marriage = event_bodies.parse_marriage(_event_body(), today=_today())
        g.nik = marriage.husband_nik
        return _respond(_write("marriage", marriage, lambda conn: civil_registration.register_marriage(conn, marriage)))

    @app.get("/api/v1/events/<event_id>")
    def event(event_id: str) -> Response:
        row = store.get_event(_db(), institution_id=g.institution.id, event_id=event_id[:64])
        if row is None:
            raise Refusal(404, "not_found", "no event with this id was written with this key")
        return jsonify(events.event_view(row))


def _today() -> date:
    """The registry's calendar day (Jakarta), the latest date an event may carry."""
    return g.started.date()


def _event_body() -> object:
    """The JSON body of a write, after the checks every write shares.

    Refuses 403 without "events" in the agreement, 400 without a well-formed
    Idempotency-Key, 413 past MAX_EVENT_BYTES and 422 invalid_body for what is not JSON.
    """
    if "events" not in _allowed():
        raise Refusal(403, "forbidden", "the agreement does not include writing civil-registration events")
    try:
        g.idempotency_key = event_bodies.parse_idempotency_key(request.headers.get("Idempotency-Key"))
    except event_bodies.IdempotencyKeyError as exc:
        raise Refusal(400, exc.code, str(exc)) from None
    data = request.get_data()
    if len(data) > MAX_EVENT_BYTES:
        raise Refusal(413, "payload_too_large", f"an event's body is at most {MAX_EVENT_BYTES} bytes")
    try:
        g.event_body = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested deeper than the parser goes
        raise InvalidInput("invalid_body", "the body is not valid JSON", {"body": "not valid JSON"}) from None
    return g.event_body


def _write(
    kind: str, request_: event_bodies.EventRequest, apply: Callable[[sqlite3.Connection], Change]
) -> events.Answer:
    """Apply the event once per idempotency key and record it (events.write)."""
    conn = _db()
    return events.write(
        conn,
        institution_id=g.institution.id,
        key=g.idempotency_key,
        kind=kind,
        request_hash=event_bodies.fingerprint(kind, request_),
        body=g.event_body,
        apply=lambda: apply(conn),
        actor=web.header_text("X-Actor"),
        purpose=web.header_text("X-Purpose"),
        now=institutions.now_wib,
    )


def _respond(answer: events.Answer) -> tuple[Response, int]:
    """The answer; a replay of an earlier one says so in the Idempotent-Replayed header."""
    response = jsonify(answer.body)
    if answer.is_replay:
        response.headers["Idempotent-Replayed"] = "true"
    return response, answer.status


def _read(upload: FileStorage) -> bytes:
    """The upload's bytes, reading at most one byte past the limit (which then fails)."""
    return upload.stream.read(faces.MAX_PHOTO_BYTES + 1)
