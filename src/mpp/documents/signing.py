"""Sign PDFs with the platform's key: PAdES baseline signatures made by pyHanko.

``signer()`` returns the configured ``Signer``, built once per process: the key and
certificates are loaded once, a PKCS#11 session is opened once. Settings (all optional):

- ``DOCUMENT_SIGNING_BACKEND``: ``"file"`` (default; key and certificates in ``DOCUMENT_SIGNING_DIR``) or
  ``"pkcs11"`` (a key in a hardware security module or token).
- ``DOCUMENT_SIGNING_DIR``: ``VAR_DIR / "signing"``; ``manage.py create_demo_ca`` fills it for demos.
- ``DOCUMENT_SIGNING_PKCS11_LIB``, ``DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL``, ``DOCUMENT_SIGNING_PKCS11_KEY_LABEL``,
  ``DOCUMENT_SIGNING_PKCS11_CERT_LABEL`` (default: the key label), ``DOCUMENT_SIGNING_PKCS11_PIN``.
- ``DOCUMENT_SIGNING_TSA_URL``: the CA's RFC 3161 time-stamping service. With it, signatures are
  PAdES B-LTA: the signature gets a timestamp, the file gets the validation data (the chain and the
  CA's OCSP answers, fetched from the URLs in the certificates) and an archive timestamp over it
  all, so it stays verifiable after the certificate expires (``archive.py`` keeps it so). Without
  it, B-B (development only: ``manage.py check --deploy`` warns). ``DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS``
  (default 5) bounds each call to the TSA and the OCSP responder.

Every signature certifies the document (DocMDP): later changes other than validation data and
timestamps show as such in any PDF reader.

See docs/decisions/0008-signing.md for the choices.
"""

import logging
import os
import threading
from abc import ABC, abstractmethod
from dataclasses import replace
from functools import cached_property
from io import BytesIO
from pathlib import Path

from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from mpp.core.errors import Unavailable
from mpp.documents.demo_ca import DemoCA, is_demo_certificate
from mpp.documents.rendering import RenderedContent, render
from mpp.documents.validation import default_trust_roots

logger = logging.getLogger(__name__)

DEFAULT_FIELD_NAME = "TandaTanganPenerbit"
DEFAULT_REASON = "Dokumen hasil layanan diterbitkan oleh MPP Digital"
DIGEST = "sha256"
# Form filling and further signatures stay possible (a countersignature, a legalisation); any change
# to the content shows the certification as broken.
PERMISSIONS = MDPPerm.FILL_FORMS


def signing_dir() -> Path:
    """``DOCUMENT_SIGNING_DIR``, by default ``VAR_DIR / "signing"`` (git-ignored)."""
    return Path(settings.DOCUMENT_SIGNING_DIR)


class TrustServicesUnavailable(Unavailable):
    """The CA's time-stamping authority or OCSP responder failed us: nothing was signed."""


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
    def sign(
        self,
        pdf_bytes: bytes,
        *,
        field_name: str = DEFAULT_FIELD_NAME,
        reason: str,
        location: str,
        certify: bool = True,
    ) -> bytes:
        """Sign ``pdf_bytes`` in a new invisible signature field ``field_name``: the first signature
        certifies the document (``certify``, DocMDP: only form filling and further signatures may
        follow); a further one (a countersignature) is an approval signature with ``certify=False``."""


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

    def sign(
        self,
        pdf_bytes: bytes,
        *,
        field_name: str = DEFAULT_FIELD_NAME,
        reason: str,
        location: str,
        certify: bool = True,
    ) -> bytes:
        return self._pades.sign(pdf_bytes, field_name=field_name, reason=reason, location=location, certify=certify)


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

    def sign(
        self,
        pdf_bytes: bytes,
        *,
        field_name: str = DEFAULT_FIELD_NAME,
        reason: str,
        location: str,
        certify: bool = True,
    ) -> bytes:
        with self._lock:
            return self._pades.sign(pdf_bytes, field_name=field_name, reason=reason, location=location, certify=certify)


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

    Without a TSA (B-B), pyHanko would size the signature container with a dry-run signature each
    time; that was a third of the signing time, so the first signature measures the container and
    later ones reserve that plus some slack (ECDSA signatures vary by a few bytes). With a TSA
    (B-LTA) the time-stamper is kept for the process: pyHanko measures a token once per time-stamper.
    """

    SLACK = 512

    def __init__(self, cms_signer: signers.Signer):
        self.cms_signer = cms_signer
        self._reserved: int | None = None
        self._timestamper = None
        self._timestamper_for: tuple | None = None

    def sign(self, pdf_bytes: bytes, *, field_name: str, reason: str, location: str, certify: bool) -> bytes:
        timestamper = self._current_timestamper()
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=DIGEST,
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            certify=certify,
            docmdp_permissions=PERMISSIONS,
            # B-LTA: validation data in the DSS, then a document timestamp over it.
            embed_validation_info=timestamper is not None,
            use_pades_lta=timestamper is not None,
            validation_context=online_validation_context() if timestamper is not None else None,
        )
        reserved = None if timestamper else self._reserved
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        pdf_signer = signers.PdfSigner(metadata, signer=self.cms_signer, timestamper=timestamper)
        try:
            signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
        except (SigningError, TimestampRequestError) as failure:
            if timestamper is None:
                raise
            # The CA's TSA or OCSP responder did not answer, or says the certificate is revoked or on hold.
            logger.warning("signing at PAdES B-LTA failed: %s (cause: %r)", failure, failure.__cause__)
            raise TrustServicesUnavailable(
                _(
                    "Dokumen belum dapat ditandatangani: layanan stempel waktu atau status sertifikat dari otoritas "
                    "sertifikat tidak menjawab atau menolak sertifikat penanda tangan. Tidak ada yang disimpan; "
                    "coba lagi sebentar lagi atau hubungi pengelola."
                )
            ) from failure
        if timestamper is None and self._reserved is None:
            padded = PdfFileReader(BytesIO(signed)).embedded_signatures[-1].pkcs7_content
            header, contents = asn1_parser.parse(padded)[3:5]  # the DER without pyHanko's zero padding
            self._reserved = 2 * (len(header) + len(contents)) + self.SLACK  # hex digits, as pyHanko counts
        return signed

    def _current_timestamper(self):
        wanted = (settings.DOCUMENT_SIGNING_TSA_URL, settings.DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS)
        if wanted != self._timestamper_for:
            self._timestamper, self._timestamper_for = timestamper(), wanted
        return self._timestamper


def timestamper():
    """An RFC 3161 client for ``DOCUMENT_SIGNING_TSA_URL``, or None when none is configured."""
    url = settings.DOCUMENT_SIGNING_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=settings.DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS)


def online_validation_context() -> ValidationContext:
    """What signing and the archive commands check certificates with: the trust roots, and the
    CA's OCSP responder (from each certificate) asked now, its answers required and then embedded."""
    return ValidationContext(
        trust_roots=[_asn1(root) for root in default_trust_roots()],
        allow_fetching=True,
        revocation_mode="require",
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=settings.DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS),
    )


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


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
