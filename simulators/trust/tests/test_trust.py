"""The demo CA's trust services over real HTTP: timestamps (RFC 3161) and certificate status (RFC 6960)."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys

import httpx
from asn1crypto import algos, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp

from simulators.processes import REPO


def certificate(trust, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((trust.ca_dir / name).read_bytes())


def timestamp_request(data: bytes, *, algorithm: str = "sha256", nonce: int = 424242) -> bytes:
    digest = hashlib.new(algorithm, data).digest()
    return tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def ask_tsa(trust, body: bytes, content_type: str = "application/timestamp-query") -> httpx.Response:
    return httpx.post(f"{trust.url}/tsa", content=body, headers={"Content-Type": content_type}, timeout=10)


def status_request(trust, name: str) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(
        certificate(trust, name), certificate(trust, "ca.pem"), hashes.SHA256()
    )
    return builder.build().public_bytes(serialization.Encoding.DER)


def ask_ocsp(trust, body: bytes) -> ocsp.OCSPResponse:
    response = httpx.post(
        f"{trust.url}/ocsp", content=body, headers={"Content-Type": "application/ocsp-request"}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.content)


def test_a_timestamp_is_granted_for_the_hash_sent_signed_by_the_tsa_certificate(trust):
    before = trust.status()["timestamps_issued"]
    response = ask_tsa(trust, timestamp_request(b"dokumen"))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    signed = reply["time_stamp_token"]["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == hashlib.sha256(b"dokumen").digest()
    assert info["nonce"].native == 424242
    signer = signed["signer_infos"][0]
    tsa = certificate(trust, "tsa.pem")
    assert signer["sid"].chosen["serial_number"].native == tsa.serial_number
    tsa.public_key().verify(
        signer["signature"].native, signer["signed_attrs"].untag().dump(), ec.ECDSA(hashes.SHA256())
    )
    assert trust.status()["timestamps_issued"] == before + 1


def test_a_weak_hash_is_refused_in_the_protocol_and_garbage_with_a_json_400(trust):
    reply = core.Sequence.load(ask_tsa(trust, timestamp_request(b"x", algorithm="md5")).content)
    status = tsp.PKIStatusInfo.load(reply[0].dump())  # a reply without a token (RFC 3161 §2.4.2)
    assert status["status"].native == "rejection"
    assert "bad_alg" in status["fail_info"].native

    garbage = ask_tsa(trust, b"not a request")
    assert garbage.status_code == 400 and garbage.json()["error"] == "malformed_request"
    assert ask_tsa(trust, timestamp_request(b"x"), content_type="application/json").status_code == 415


def test_the_signing_certificate_is_good_until_revoked_then_revoked_with_its_reason(trust):
    answer = ask_ocsp(trust, status_request(trust, "signer.pem"))
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    responder = certificate(trust, "ocsp.pem")
    assert answer.certificates[0] == responder  # a delegated responder, not the root's key
    responder.public_key().verify(answer.signature, answer.tbs_response_bytes, ec.ECDSA(hashes.SHA256()))

    trust.revoke(certificate(trust, "tsa.pem").serial_number, reason="certificate_hold")
    try:
        held = ask_ocsp(trust, status_request(trust, "tsa.pem"))
        assert held.certificate_status == ocsp.OCSPCertStatus.REVOKED
        assert held.revocation_reason == x509.ReasonFlags.certificate_hold
    finally:
        trust.release(certificate(trust, "tsa.pem").serial_number)
    assert ask_ocsp(trust, status_request(trust, "tsa.pem")).certificate_status == ocsp.OCSPCertStatus.GOOD


def test_the_get_form_answers_the_same(trust):
    encoded = base64.b64encode(status_request(trust, "signer.pem")).decode()
    response = httpx.get(f"{trust.url}/ocsp/{encoded}", timeout=10)

    assert ocsp.load_der_ocsp_response(response.content).certificate_status == ocsp.OCSPCertStatus.GOOD
    assert httpx.get(f"{trust.url}/ocsp/%%%", timeout=10).status_code == 400


def test_a_certificate_the_ca_never_issued_is_unknown(trust):
    signer = certificate(trust, "signer.pem")
    request = asn1_x509.Certificate.load(signer.public_bytes(serialization.Encoding.DER))
    # The same issuer, another serial number: the CA has no record of it.
    body = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            issuer_name_hash=hashlib.sha256(request.issuer.dump()).digest(),
            issuer_key_hash=hashlib.sha256(
                asn1_x509.Certificate.load(certificate(trust, "ca.pem").public_bytes(serialization.Encoding.DER))
                .public_key["public_key"]
                .native
            ).digest(),
            serial_number=12345,
            algorithm=hashes.SHA256(),
        )
        .build()
        .public_bytes(serialization.Encoding.DER)
    )

    assert ask_ocsp(trust, body).certificate_status == ocsp.OCSPCertStatus.UNKNOWN


def test_admin_endpoints_need_the_token_and_a_revocation_cannot_be_undone(trust):
    anonymous = httpx.post(f"{trust.url}/admin/revocations", json={"serial": "1"}, timeout=10)
    assert anonymous.status_code == 401
    bad = httpx.post(
        f"{trust.url}/admin/revocations",
        json={"serial": "zz"},
        headers={"X-Admin-Token": trust.admin_token},
        timeout=10,
    )
    assert bad.status_code == 422
    cli = subprocess.run(
        [sys.executable, "-m", "simulators.trust", "revoke", "abc123", "--db", str(trust.db)],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "revoked abc123" in cli.stdout
    final = httpx.delete(
        f"{trust.url}/admin/revocations/abc123", headers={"X-Admin-Token": trust.admin_token}, timeout=10
    )
    assert final.status_code == 409  # key compromise is for good; only a hold is released


def test_an_unavailable_service_answers_503(trust):
    trust.set_faults(error_rate=1)

    assert ask_tsa(trust, timestamp_request(b"x")).status_code == 503
    assert (
        httpx.post(
            f"{trust.url}/ocsp",
            content=status_request(trust, "signer.pem"),
            headers={"Content-Type": "application/ocsp-request"},
            timeout=10,
        ).status_code
        == 503
    )
