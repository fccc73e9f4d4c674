"""The demo CA's keys and what it signs with them: timestamp tokens and OCSP responses.

The CA's files are the demo CA's directory (``manage.py create_demo_ca``): ``ca.pem`` (the root),
``tsa.pem``/``tsa-key.pem`` and ``ocsp.pem``/``ocsp-key.pem``; the certificates it answers for are
every ``*.pem`` there that the root issued. The tokens and responses are built by certomancer
(pyHanko's author's PKI toolkit); this module only decides what they say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import core, ocsp, pem, tsp, x509
from certomancer.crypto_utils import load_private_key
from certomancer.services import RevocationInfoInterface, SimpleOCSPResponder, TimeStamper, choose_signed_digest

from . import store

#: How long an OCSP answer may be relied on (its nextUpdate): a day, as public CAs do.
OCSP_VALIDITY = timedelta(days=1)
#: The TSA's policy: a private arc for the demo (a real TSA publishes its policy OID).
DEMO_TSA_POLICY = "1.3.6.1.4.1.55555.1.1"
HASHES = {"sha256", "sha384", "sha512"}


class BadRequest(ValueError):
    """The request is not a well-formed RFC 3161 or RFC 6960 request we can answer."""


@dataclass(frozen=True)
class Authority:
    root: x509.Certificate
    tsa_cert: x509.Certificate
    tsa_key: object
    ocsp_cert: x509.Certificate
    ocsp_key: object
    issued: dict[int, x509.Certificate]

    @classmethod
    def load(cls, directory: str | Path) -> Authority:
        """The CA in ``directory``; ValueError naming what is missing."""
        directory = Path(directory)
        needed = ["ca.pem", "tsa.pem", "tsa-key.pem", "ocsp.pem", "ocsp-key.pem"]
        missing = [name for name in needed if not (directory / name).is_file()]
        if missing:
            raise ValueError(
                f"no demo CA in {directory} (missing {', '.join(missing)}): run `manage.py create_demo_ca`"
            )
        root = _certificate(directory / "ca.pem")
        issued = {}
        for path in sorted(directory.glob("*.pem")):
            if path.name.endswith("-key.pem") or path.name == "ca.pem":
                continue
            certificate = _certificate(path)
            if certificate.issuer == root.subject:
                issued[certificate.serial_number] = certificate
        return cls(
            root=root,
            tsa_cert=_certificate(directory / "tsa.pem"),
            tsa_key=load_private_key((directory / "tsa-key.pem").read_bytes(), None)[0],
            ocsp_cert=_certificate(directory / "ocsp.pem"),
            ocsp_key=load_private_key((directory / "ocsp-key.pem").read_bytes(), None)[0],
            issued=issued,
        )

    def timestamp(self, request_der: bytes, *, conn, now: datetime | None = None) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq; logged. BadRequest for what is not one."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
        except Exception as exc:  # asn1crypto raises many kinds for malformed DER
            raise BadRequest("the body is not an RFC 3161 TimeStampReq") from exc
        if algorithm not in HASHES:
            return _tsa_refusal("bad_alg", f"hash algorithm {algorithm} is not accepted; use SHA-256 or stronger")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        stamper = TimeStamper(
            tsa_cert=self.tsa_cert,
            tsa_key=self.tsa_key,
            certs_to_embed=[self.root],
            fixed_dt=moment,
            policy=tsp.ObjectIdentifier(DEMO_TSA_POLICY),
            md_algorithm="sha256",
        )
        response = stamper.request_tsa_response(request)
        token_info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
        store.log_timestamp(
            conn,
            serial=token_info["serial_number"].native,
            issued_at=moment,
            hash_algorithm=algorithm,
            imprint=digest,
        )
        return response.dump()

    def ocsp_response(self, request_der: bytes, *, conn, now: datetime | None = None) -> bytes:
        """The DER OCSPResponse for a DER OCSPRequest (unauthorized for another CA's certificates)."""
        try:
            request = ocsp.OCSPRequest.load(request_der)
            request["tbs_request"]["request_list"].native  # noqa: B018 - parse it all now
        except Exception as exc:
            raise BadRequest("the body is not an RFC 6960 OCSPRequest") from exc
        responder = SimpleOCSPResponder(
            responder_cert=self.ocsp_cert,
            responder_key=self.ocsp_key,
            signature_algo=choose_signed_digest("sha256", self.ocsp_cert.public_key),
            at_time=(now or datetime.now(UTC)).replace(microsecond=0),
            revinfo_interface=_Revocations(self, conn),
            validity=OCSP_VALIDITY,
        )
        return responder.build_ocsp_response(request).dump()


class _Revocations(RevocationInfoInterface):
    def __init__(self, authority: Authority, conn):
        self.authority, self.conn = authority, conn

    def get_issuer_cert(self) -> x509.Certificate:
        return self.authority.root

    def check_revocation_status(self, cid: ocsp.CertId, at_time: datetime):
        serial = cid["serial_number"].native
        if serial not in self.authority.issued:
            return ocsp.CertStatus(name="unknown", value=None), []
        revoked = store.revocation(self.conn, serial)
        if revoked is None or datetime.fromisoformat(revoked["revoked_at"]) > at_time:
            return ocsp.CertStatus(name="good", value=None), []
        info = ocsp.RevokedInfo(
            {
                "revocation_time": datetime.fromisoformat(revoked["revoked_at"]),
                "revocation_reason": revoked["reason"],
            }
        )
        return ocsp.CertStatus(name="revoked", value=info), []


def _certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def _tsa_refusal(failure: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo(
        {"status": "rejection", "status_string": [text], "fail_info": tsp.PKIFailureInfo({failure})}
    )
    return _Refusal({"status": status}).dump()


class _Refusal(core.Sequence):
    """A TimeStampResp without a token (RFC 3161 §2.4.2: it is OPTIONAL; asn1crypto's class requires it)."""

    _fields = [("status", tsp.PKIStatusInfo)]
