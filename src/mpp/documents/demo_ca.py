"""A demo certification authority and the platform's demo signing certificate.

Only for development, demos and tests: a region in production signs with a certificate
from its certification authority (BSrE/BSSN or a licensed PSrE), see
docs/decisions/0008-signing.md. Everything made here says DEMO in its subject, and
documents it signs carry a visible banner (``is_demo_certificate``).

Files, all PEM, in one directory (``DOCUMENT_SIGNING_DIR``, ``var/signing`` by default):
``ca.pem`` (the root, also the default trust root), ``ca-key.pem``, ``signer.pem``,
``signer-key.pem`` (the private keys mode 0600).
"""

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

ROOT_NAME = "MPP Digital DEMO Root CA — bukan untuk penggunaan resmi"
SIGNER_NAME = "MPP Digital DEMO — Penandatangan Dokumen"
ORGANIZATION = "MPP Digital DEMO"
ORGANIZATIONAL_UNIT = "DEMO — bukan untuk penggunaan resmi"
DEMO_MARK = "DEMO"

# RFC 9336 id-kp-documentSigning; Adobe's and Microsoft's document-signing purposes for older readers.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ADOBE_AUTHENTIC_DOCUMENTS = ObjectIdentifier("1.2.840.113583.1.1.5")
MICROSOFT_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")

ROOT_VALIDITY = dt.timedelta(days=10 * 365)
SIGNER_VALIDITY = dt.timedelta(days=2 * 365)
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
    def files(self) -> tuple[Path, ...]:
        return (self.ca_cert, self.ca_key, self.signer_cert, self.signer_key)


def create_demo_ca(
    directory: Path,
    *,
    force: bool = False,
    root_name: str = ROOT_NAME,
    signer_name: str = SIGNER_NAME,
    organization: str = ORGANIZATION,
) -> DemoCA:
    """Create the demo root CA and signing certificate in ``directory`` unless they are all there.

    Idempotent: existing files are kept (``created`` is False) unless ``force``. The names
    can be changed (tests make a second, untrusted CA), but the organization must still say
    DEMO: ``ValueError`` otherwise, so that nothing made here can pass for a real certificate.
    """
    if DEMO_MARK not in organization:
        raise ValueError(f"a demo certificate's organization must contain {DEMO_MARK!r}")
    ca = DemoCA(directory=Path(directory), created=False)
    if not force and all(path.exists() for path in ca.files):
        return ca
    ca.directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)

    root_key = ec.generate_private_key(ec.SECP256R1())
    root_subject = _name(root_name, organization)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_subject)
        .issuer_name(root_subject)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )

    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, organization))
        .issuer_name(root_subject)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + SIGNER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    DOCUMENT_SIGNING,
                    ADOBE_AUTHENTIC_DOCUMENTS,
                    MICROSOFT_DOCUMENT_SIGNING,
                    ExtendedKeyUsageOID.EMAIL_PROTECTION,
                ]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )

    # Keys first: a reader that finds both certificates finds their keys too.
    _write(ca.ca_key, _private_pem(root_key), mode=0o600)
    _write(ca.signer_key, _private_pem(signer_key), mode=0o600)
    _write(ca.ca_cert, root.public_bytes(serialization.Encoding.PEM), mode=0o644)
    _write(ca.signer_cert, signer.public_bytes(serialization.Encoding.PEM), mode=0o644)
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
