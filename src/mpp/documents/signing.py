"""Sign PDFs with the platform's key: PAdES baseline signatures made by pyHanko.

``signer()`` returns the configured ``Signer``, built once per process: the key and
certificates are loaded once, a PKCS#11 session is opened once. Settings (all optional):

- ``DOCUMENT_SIGNING_BACKEND``: ``"file"`` (default; key and certificates in ``DOCUMENT_SIGNING_DIR``) or
  ``"pkcs11"`` (a key in a hardware security module or token).
- ``DOCUMENT_SIGNING_DIR``: ``VAR_DIR / "signing"``; ``manage.py create_demo_ca`` fills it for demos.
- ``DOCUMENT_SIGNING_PKCS11_LIB``, ``DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL``, ``DOCUMENT_SIGNING_PKCS11_KEY_LABEL``,
  ``DOCUMENT_SIGNING_PKCS11_CERT_LABEL`` (default: the key label), ``DOCUMENT_SIGNING_PKCS11_PIN``.
- ``DOCUMENT_SIGNING_TSA_URL``: an RFC 3161 time-stamping service; with it, signatures are PAdES
  B-T instead of B-B. ``DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS`` (default 5).

See docs/decisions/0008-signing.md for the choices.
"""

import os
import threading
from abc import ABC, abstractmethod
from dataclasses import replace
from functools import cached_property
from io import BytesIO
from pathlib import Path

from asn1crypto import parser as asn1_parser
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from mpp.documents.demo_ca import DemoCA, is_demo_certificate
from mpp.documents.rendering import RenderedContent, render

DEFAULT_FIELD_NAME = "TandaTanganPenerbit"
DEFAULT_REASON = "Dokumen hasil layanan diterbitkan oleh MPP Digital"
DIGEST = "sha256"


def signing_dir() -> Path:
    """``DOCUMENT_SIGNING_DIR``, by default ``VAR_DIR / "signing"`` (git-ignored)."""
    return Path(settings.DOCUMENT_SIGNING_DIR)


class Signer(ABC):
    """Something that signs PDFs with one certificate.

    ``sign`` returns the PDF with a PAdES signature appended as an incremental update; the
    bytes given are never changed. Implementations load their keys once and may be shared
    by the threads of a process.
    """

    @property
    @abstractmethod
    def certificate(self) -> x509.Certificate:
        """The signing certificate."""

    @property
    def is_demo(self) -> bool:
        """True for the demo CA's certificate: what it signs must say so visibly."""
        return is_demo_certificate(self.certificate)

    @abstractmethod
    def sign(self, pdf_bytes: bytes, *, field_name: str = DEFAULT_FIELD_NAME, reason: str, location: str) -> bytes:
        """Sign ``pdf_bytes`` in a new invisible signature field ``field_name``."""


class FileSigner(Signer):
    """Signs with a PEM key and certificates on disk: ``signer-key.pem``, ``signer.pem`` and the
    chain in ``ca.pem`` (the demo CA's layout; a region's file-based key can use the same)."""

    def __init__(self, directory: Path):
        files = DemoCA(directory=Path(directory), created=False)
        missing = [path.name for path in (files.signer_key, files.signer_cert, files.ca_cert) if not path.exists()]
        if missing:
            raise ImproperlyConfigured(
                f"No signing key in {directory} (missing {', '.join(missing)}): run `manage.py create_demo_ca` "
                "or configure DOCUMENT_SIGNING_BACKEND='pkcs11'"
            )
        key_pem = files.signer_key.read_bytes()
        cms_signer = _InMemorySigner(
            signing_cert=load_cert_from_pemder(str(files.signer_cert)),
            signing_key=load_private_key_from_pemder(str(files.signer_key), passphrase=None),
            cert_registry=SimpleCertificateStore.from_certs(load_certs_from_pemder([str(files.ca_cert)])),
            private_key=serialization.load_pem_private_key(key_pem, password=None),
        )
        self._pades = _Pades(cms_signer)
        self._certificate = x509.load_pem_x509_certificate(files.signer_cert.read_bytes())

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def sign(self, pdf_bytes: bytes, *, field_name: str = DEFAULT_FIELD_NAME, reason: str, location: str) -> bytes:
        return self._pades.sign(pdf_bytes, field_name=field_name, reason=reason, location=location)


class Pkcs11Signer(Signer):
    """Signs with a key that never leaves a PKCS#11 token or HSM (pyHanko's PKCS#11 signer).

    The session opens on first use and stays open for the process; signing is serialised,
    because a PKCS#11 session is not safe to share between threads.
    """

    def __init__(
        self,
        *,
        lib: str,
        token_label: str,
        key_label: str,
        cert_label: str | None = None,
        pin: str | None,
        raw_mechanism: bool = False,
    ):
        if not lib:
            raise ImproperlyConfigured(
                "DOCUMENT_SIGNING_BACKEND='pkcs11' needs DOCUMENT_SIGNING_PKCS11_LIB (path to the PKCS#11 module)"
            )
        if not Path(lib).is_file():
            raise ImproperlyConfigured(f"DOCUMENT_SIGNING_PKCS11_LIB: no PKCS#11 module at {lib}")
        if not token_label:
            raise ImproperlyConfigured("DOCUMENT_SIGNING_BACKEND='pkcs11' needs DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL")
        if not key_label:
            raise ImproperlyConfigured("DOCUMENT_SIGNING_BACKEND='pkcs11' needs DOCUMENT_SIGNING_PKCS11_KEY_LABEL")
        self.lib, self.token_label, self.key_label = lib, token_label, key_label
        self.cert_label = cert_label or key_label
        self._pin = pin
        self.raw_mechanism = raw_mechanism
        self._lock = threading.Lock()

    @cached_property
    def _pades(self) -> "_Pades":
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # pragma: no cover - python-pkcs11 is a dependency
            raise ImproperlyConfigured("DOCUMENT_SIGNING_BACKEND='pkcs11' needs the python-pkcs11 package") from exc
        session = open_pkcs11_session(
            self.lib, token_criteria=TokenCriteria(label=self.token_label), user_pin=self._pin
        )
        # Every certificate on the token goes into the signature (other_certs_to_pull=None): put the
        # issuing CA's chain there, so that a verifier needs only the root.
        return _Pades(
            PKCS11Signer(
                session,
                cert_label=self.cert_label,
                key_label=self.key_label,
                other_certs_to_pull=None,
                use_raw_mechanism=self.raw_mechanism,
            )
        )

    @property
    def certificate(self) -> x509.Certificate:
        with self._lock:
            der = self._pades.cms_signer.signing_cert.dump()
        return x509.load_der_x509_certificate(der)

    def sign(self, pdf_bytes: bytes, *, field_name: str = DEFAULT_FIELD_NAME, reason: str, location: str) -> bytes:
        with self._lock:
            return self._pades.sign(pdf_bytes, field_name=field_name, reason=reason, location=location)


def signer() -> Signer:
    """The configured signer, built once per process and per configuration.

    Raises ``ImproperlyConfigured`` when the backend is unknown or its key is missing.
    A forked process builds its own (a PKCS#11 session does not survive ``fork``).
    """
    backend = settings.DOCUMENT_SIGNING_BACKEND
    if backend == "file":
        key = (os.getpid(), backend, str(signing_dir()))
    elif backend == "pkcs11":
        key = (
            os.getpid(),
            backend,
            settings.DOCUMENT_SIGNING_PKCS11_LIB,
            settings.DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL,
            settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL,
            settings.DOCUMENT_SIGNING_PKCS11_CERT_LABEL,
            settings.DOCUMENT_SIGNING_PKCS11_RAW_MECHANISM,
        )
    else:
        raise ImproperlyConfigured(f"DOCUMENT_SIGNING_BACKEND must be 'file' or 'pkcs11', not {backend!r}")
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _build(backend)
            _cache.clear()  # one configuration at a time; a settings change in tests replaces it
            _cache[key] = cached
        return cached


def render_signed(
    content: RenderedContent,
    *,
    reason: str = DEFAULT_REASON,
    location: str | None = None,
    field_name: str = DEFAULT_FIELD_NAME,
    using: Signer | None = None,
) -> bytes:
    """Render ``content`` and sign it. A demo signer always gets the visible demo banner,
    whatever ``content.demo`` says: a demo signature must never look official."""
    chosen = using or signer()
    if chosen.is_demo and not content.demo:
        content = replace(content, demo=True)
    return chosen.sign(render(content), field_name=field_name, reason=reason, location=location or content.place)


def _build(backend: str) -> Signer:
    if backend == "pkcs11":
        return Pkcs11Signer(
            lib=settings.DOCUMENT_SIGNING_PKCS11_LIB,
            token_label=settings.DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL,
            key_label=settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL,
            cert_label=settings.DOCUMENT_SIGNING_PKCS11_CERT_LABEL,
            pin=settings.DOCUMENT_SIGNING_PKCS11_PIN,
            raw_mechanism=settings.DOCUMENT_SIGNING_PKCS11_RAW_MECHANISM,
        )
    return FileSigner(signing_dir())


_cache: dict[tuple, Signer] = {}
_cache_lock = threading.Lock()


class _Pades:
    """PAdES signing with one pyHanko signer.

    pyHanko sizes the signature container with a dry-run signature each time unless told
    the size; that dry run was a third of the signing time. The first signature measures
    the container, later ones reserve that plus some slack (ECDSA signatures vary by a few
    bytes). With a time-stamping service the token's size varies: pyHanko estimates then.
    """

    SLACK = 512

    def __init__(self, cms_signer: signers.Signer):
        self.cms_signer = cms_signer
        self._reserved: int | None = None

    def sign(self, pdf_bytes: bytes, *, field_name: str, reason: str, location: str) -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=DIGEST,
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        timestamper = _timestamper()
        reserved = None if timestamper else self._reserved
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        pdf_signer = signers.PdfSigner(metadata, signer=self.cms_signer, timestamper=timestamper)
        signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
        if timestamper is None and self._reserved is None:
            padded = PdfFileReader(BytesIO(signed)).embedded_signatures[-1].pkcs7_content
            _, _, _, header, contents, _ = asn1_parser.parse(padded)  # the DER without pyHanko's zero padding
            self._reserved = 2 * (len(header) + len(contents)) + self.SLACK  # hex digits, as pyHanko counts
        return signed


def _timestamper():
    """An RFC 3161 client when ``DOCUMENT_SIGNING_TSA_URL`` is set (PAdES B-T); None gives B-B."""
    url = settings.DOCUMENT_SIGNING_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=settings.DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS)


class _InMemorySigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` parses the private key again for every signature; this one
    keeps the parsed key (measurable for RSA keys, where parsing checks the key)."""

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "ecdsa" and isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(data, ec.ECDSA(hash_algorithm))
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
        return super().sign_raw(data, digest_algorithm)
