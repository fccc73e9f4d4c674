"""A demo certification authority and the platform's demo signing certificate.

Only for development, demos and tests: a region in production signs with a certificate
from its certification authority (BSrE/BSSN or a licensed PSrE), see
docs/decisions/0008-signing.md. Everything made here says DEMO in its subject, and
documents it signs carry a visible banner (``is_demo_certificate``).

Files, all PEM, in one directory (``DOCUMENT_SIGNING_DIR``, ``var/signing`` by default):
``ca.pem`` (the root, also the default trust root), ``ca-key.pem``, ``signer.pem``,
``signer-key.pem``, and the certificates and keys of the CA's two trust services:
``tsa.pem``/``tsa-key.pem`` (the time-stamping authority, RFC 3161) and ``ocsp.pem``/``ocsp-key.pem``
(the OCSP responder, RFC 6960). The private keys are mode 0600.

The services themselves run as their own process, the demo CA's simulator
(``python -m simulators.trust serve --ca-dir …``), at ``services_url``: the signing and TSA
certificates name ``{services_url}/ocsp`` as where to ask whether they are revoked, as a real
CA's certificates do, so that pyHanko can embed that answer in each signed document.
"""

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID, ObjectIdentifier

ROOT_NAME = "MPP Digital DEMO Root CA — bukan untuk penggunaan resmi"
SIGNER_NAME = "MPP Digital DEMO — Penandatangan Dokumen"
TSA_NAME = "MPP Digital DEMO — Otoritas Stempel Waktu"
OCSP_NAME = "MPP Digital DEMO — Layanan Status Sertifikat (OCSP)"
ORGANIZATION = "MPP Digital DEMO"
ORGANIZATIONAL_UNIT = "DEMO — bukan untuk penggunaan resmi"
DEMO_MARK = "DEMO"

# RFC 9336 id-kp-documentSigning; Adobe's and Microsoft's document-signing purposes for older readers.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ADOBE_AUTHENTIC_DOCUMENTS = ObjectIdentifier("1.2.840.113583.1.1.5")
MICROSOFT_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")

ROOT_VALIDITY = dt.timedelta(days=10 * 365)
SIGNER_VALIDITY = dt.timedelta(days=2 * 365)
# A timestamp stays verifiable while its TSA certificate is valid: the archive timestamps are
# renewed before then (manage.py refresh_archive_timestamps, docs/operators.md).
TSA_VALIDITY = dt.timedelta(days=6 * 365)
DEFAULT_SERVICES_URL = "http://127.0.0.1:8300"
CLOCK_SKEW = dt.timedelta(hours=1)  # a verifier whose clock is slightly behind still accepts fresh certificates


@dataclass(frozen=True)
class DemoCA:
    """Where the files of one demo CA are; ``created`` tells whether this call made them."""

    directory: Path
    created: bool

    @property
    def ca_cert(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def signer_cert(self) -> Path:
        return self.directory / "signer.pem"

    @property
    def signer_key(self) -> Path:
        return self.directory / "signer-key.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.directory / "tsa.pem"

    @property
    def tsa_key(self) -> Path:
        return self.directory / "tsa-key.pem"

    @property
    def ocsp_cert(self) -> Path:
        return self.directory / "ocsp.pem"

    @property
    def ocsp_key(self) -> Path:
        return self.directory / "ocsp-key.pem"

    @property
    def files(self) -> tuple[Path, ...]:
        return (
            self.ca_cert,
            self.ca_key,
            self.signer_cert,
            self.signer_key,
            self.tsa_cert,
            self.tsa_key,
            self.ocsp_cert,
            self.ocsp_key,
        )


def create_demo_ca(
    directory: Path,
    *,
    force: bool = False,
    root_name: str = ROOT_NAME,
    signer_name: str = SIGNER_NAME,
    organization: str = ORGANIZATION,
    services_url: str = DEFAULT_SERVICES_URL,
    now: dt.datetime | None = None,
) -> DemoCA:
    """Create the demo root CA, the signing certificate and the trust services' certificates in
    ``directory`` unless they are all there.

    Idempotent: existing files are kept (``created`` is False) unless ``force``; an incomplete set
    (a directory from before the trust services) is replaced whole. The names can be changed
    (tests make a second, untrusted CA), but the organization must still say DEMO: ``ValueError``
    otherwise, so that nothing made here can pass for a real certificate. ``services_url`` is where
    the demo CA's simulator answers OCSP (named in the certificates); ``now`` backdates the
    certificates for tests of expiry.
    """
    if DEMO_MARK not in organization:
        raise ValueError(f"a demo certificate's organization must contain {DEMO_MARK!r}")
    ca = DemoCA(directory=Path(directory), created=False)
    if not force and all(path.exists() for path in ca.files):
        return ca
    ca.directory.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    ocsp_url = f"{services_url.rstrip('/')}/ocsp"

    root_key = ec.generate_private_key(ec.SECP256R1())
    root_subject = _name(root_name, organization)
    root = _certificate(
        root_subject,
        issuer=root_subject,
        public_key=root_key.public_key(),
        issuer_key=root_key,
        not_after=now + ROOT_VALIDITY,
        now=now,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
        ],
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = _certificate(
        _name(signer_name, organization),
        issuer=root_subject,
        public_key=signer_key.public_key(),
        issuer_key=root_key,
        not_after=now + SIGNER_VALIDITY,
        now=now,
        extensions=[
            (_key_usage(digital_signature=True, content_commitment=True), True),
            (
                x509.ExtendedKeyUsage(
                    [
                        DOCUMENT_SIGNING,
                        ADOBE_AUTHENTIC_DOCUMENTS,
                        MICROSOFT_DOCUMENT_SIGNING,
                        ExtendedKeyUsageOID.EMAIL_PROTECTION,
                    ]
                ),
                False,
            ),
            (_ocsp_at(ocsp_url), False),
        ],
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = _certificate(
        _name(TSA_NAME, organization),
        issuer=root_subject,
        public_key=tsa_key.public_key(),
        issuer_key=root_key,
        not_after=now + TSA_VALIDITY,
        now=now,
        extensions=[
            (_key_usage(digital_signature=True, content_commitment=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),  # RFC 3161 §2.3: critical, only
            (_ocsp_at(ocsp_url), False),
        ],
    )
    # A delegated responder (RFC 6960 §4.2.2.2): the root's key stays out of the online service, and
    # "no check" because asking the responder about its own certificate would go round in a circle.
    ocsp_key = ec.generate_private_key(ec.SECP256R1())
    ocsp = _certificate(
        _name(OCSP_NAME, organization),
        issuer=root_subject,
        public_key=ocsp_key.public_key(),
        issuer_key=root_key,
        not_after=now + ROOT_VALIDITY,
        now=now,
        extensions=[
            (_key_usage(digital_signature=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False),
            (x509.OCSPNoCheck(), False),
        ],
    )

    # Keys first: a reader that finds every certificate finds their keys too.
    for path, key in (
        (ca.ca_key, root_key),
        (ca.signer_key, signer_key),
        (ca.tsa_key, tsa_key),
        (ca.ocsp_key, ocsp_key),
    ):
        _write(path, _private_pem(key), mode=0o600)
    for path, certificate in ((ca.ca_cert, root), (ca.signer_cert, signer), (ca.tsa_cert, tsa), (ca.ocsp_cert, ocsp)):
        _write(path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return DemoCA(directory=ca.directory, created=True)


def is_demo_certificate(certificate: x509.Certificate) -> bool:
    """True when the subject's organization or organizational unit says DEMO."""
    attributes = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    attributes += certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return any(DEMO_MARK in str(attribute.value).upper() for attribute in attributes)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ORGANIZATIONAL_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    *,
    issuer: x509.Name,
    public_key,
    issuer_key: ec.EllipticCurvePrivateKey,
    not_after: dt.datetime,
    now: dt.datetime,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    """A certificate signed by ``issuer_key``: a CA when ``subject`` is ``issuer``, else an end entity
    (basic constraints, key identifiers and the ``extensions`` as (extension, critical) pairs)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if subject != issuer:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def _ocsp_at(url: str) -> x509.AuthorityInformationAccess:
    return x509.AuthorityInformationAccess(
        [x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(url))]
    )


def _key_usage(**granted: bool) -> x509.KeyUsage:
    usages = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    usages.update(granted)
    return x509.KeyUsage(**usages)


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, content: bytes, *, mode: int) -> None:
    """Write through a private temporary file renamed into place: readers never see half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, mode)  # the umask may have taken bits away from the public files
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
