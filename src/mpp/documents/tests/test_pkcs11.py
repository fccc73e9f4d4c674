"""The PKCS#11 signer end to end, with SoftHSM (Debian's ``softhsm2``) as the token a region's HSM
would be: the demo CA's signing key and certificate go into a token, a document is signed through
pyHanko's PKCS#11 signer, and the result is intact, valid and trusted. Skips where softhsm2 is not
installed, never in CI (``.ci/run`` installs it)."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from mpp.documents import signing, validation
from mpp.documents.rendering import DEMO_BANNER
from mpp.documents.tests.pdf_text import text

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, KEY, PIN = "mpp-test", "penandatangan", "2468"


@dataclass(frozen=True)
class Token:
    label: str
    key_label: str
    pin: str


@pytest.fixture(scope="session")
def softhsm_token(demo_ca, tmp_path_factory) -> Token:
    """A SoftHSM token holding the demo CA's signer key and certificate (once per test process:
    a PKCS#11 library is loaded once, with the configuration it found then)."""
    if not SOFTHSM.is_file() or not shutil.which("softhsm2-util"):
        message = "the PKCS#11 test needs Debian's softhsm2 (apt-get install softhsm2)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    config = home / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    util = ["softhsm2-util", "--pin", PIN]
    subprocess.run([*util, "--init-token", "--free", "--label", TOKEN, "--so-pin", "13572468"], check=True)
    key_import = ["--import", str(demo_ca.signer_key), "--token", TOKEN, "--label", KEY, "--id", "01"]
    subprocess.run([*util, *key_import], check=True, capture_output=True)
    with pkcs11.lib(str(SOFTHSM)).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        for label, path in ((KEY, demo_ca.signer_cert), ("ca", demo_ca.ca_cert)):  # the signer's chain beside it
            certificate = x509.load_pem_x509_certificate(path.read_bytes())
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: b"\x01" if label == KEY else b"\x02",
                    Attribute.SUBJECT: certificate.subject.public_bytes(),
                    Attribute.VALUE: certificate.public_bytes(Encoding.DER),
                }
            )
    return Token(TOKEN, KEY, PIN)


@pytest.fixture
def pkcs11_signing(settings, softhsm_token):
    settings.DOCUMENT_SIGNING_BACKEND = "pkcs11"
    settings.DOCUMENT_SIGNING_PKCS11_LIB = str(SOFTHSM)
    settings.DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL = softhsm_token.label
    settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL = softhsm_token.key_label
    settings.DOCUMENT_SIGNING_PKCS11_CERT_LABEL = ""
    settings.DOCUMENT_SIGNING_PKCS11_PIN = softhsm_token.pin
    settings.DOCUMENT_SIGNING_PKCS11_RAW_MECHANISM = True  # SoftHSM signs digests only
    return softhsm_token


def test_a_document_signed_by_the_key_in_the_token_is_intact_valid_and_trusted(pkcs11_signing, demo_ca, kk_content):
    configured = signing.signer()
    assert isinstance(configured, signing.Pkcs11Signer)

    pdf = signing.render_signed(kk_content)

    verdict = validation.validate(pdf, trust_roots=[_certificate(demo_ca.ca_cert)])
    assert verdict.is_valid, verdict
    assert verdict.trusted
    assert configured.certificate == _certificate(demo_ca.signer_cert)
    assert configured.is_demo and DEMO_BANNER in text(pdf)  # the demo CA's certificate, even from a token


def test_the_signature_carries_the_chain_that_is_on_the_token(pkcs11_signing, demo_ca, kk_content):
    signature = PdfFileReader(BytesIO(signing.render_signed(kk_content))).embedded_signatures[0]

    embedded = {signature.signer_cert.dump(), *(cert.dump() for cert in signature.other_embedded_certs)}
    assert _certificate(demo_ca.ca_cert).public_bytes(Encoding.DER) in embedded


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())
