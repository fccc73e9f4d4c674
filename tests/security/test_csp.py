"""A strict Content-Security-Policy on every page, and templates that keep it easy to hold (issue 20 §5)."""

import json
import logging
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "src" / "mpp").glob("**/templates/**/*.html"))
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a style element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def directives(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_there_are_templates_to_read():
    assert len(TEMPLATES) == len(list((Path(__file__).resolve().parents[2] / "src" / "mpp").rglob("*.html")))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path).split("/src/mpp/", 1)[-1])
def test_no_template_has_inline_code_or_style(template):
    text = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template}: {', '.join(found)}: move it to a static file"


@pytest.mark.parametrize("path", ["/", "/wilayah/64.72/", "/akun/masuk/", "/lacak/", "/verify/", "/o/logout/"])
def test_every_page_sends_the_strict_policy(client, path):
    policy = directives(client.get(path))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert (
        policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    )
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)
    assert policy["report-uri"] == "/csp-report/"


def test_an_answer_from_the_public_cache_carries_the_policy(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    client.get("/wilayah/64.72/")
    hit = client.get("/wilayah/64.72/")
    assert hit.get("X-Cache") == "hit" and "script-src 'self'" in hit["Content-Security-Policy"]


def test_a_signed_in_persons_page_has_it_too(client, siti):
    client.force_login(siti)
    assert directives(client.get("/akun/"))["script-src"] == "'self'"


def test_violations_are_reported_and_logged(client, caplog):
    report = {"csp-report": {"document-uri": "https://mpp.example/akun/", "violated-directive": "script-src-elem"}}
    with caplog.at_level(logging.WARNING, logger="mpp.csp"):
        answer = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert answer.status_code == 204
    logged = next(record for record in caplog.records if record.getMessage() == "csp-violation")
    assert logged.violated_directive == "script-src-elem" and logged.document_uri == "https://mpp.example/akun/"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"csp-report": "x"}'])
def test_a_malformed_report_is_a_400(client, body):
    assert client.post("/csp-report/", body, content_type="application/csp-report").status_code == 400


def test_reports_are_posted_only(client):
    assert client.get("/csp-report/").status_code == 405
