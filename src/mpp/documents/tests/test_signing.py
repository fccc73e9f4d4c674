import dataclasses
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from mpp.documents import signing
from mpp.documents.rendering import DEMO_BANNER, render
from mpp.documents.tests.pdf_text import text


def _pyhanko_status(pdf, ca):
    root = asn1_x509.Certificate.load(_der(ca.ca_cert))
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    return signature, validate_pdf_signature(signature, signer_validation_context=context)


def _der(path):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(Encoding.DER)


def test_rendered_and_signed_document_is_intact_valid_and_trusted_by_pyhanko(demo_signing, kk_content):
    pdf = signing.render_signed(kk_content)

    signature, status = _pyhanko_status(pdf, demo_signing)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.sig_object["/Reason"] == signing.DEFAULT_REASON
    assert signature.sig_object["/Location"] == "Samarinda"
    assert signature.field_name == signing.DEFAULT_FIELD_NAME


def test_signature_embeds_the_whole_chain(demo_signing, kk_content):
    signature, _ = _pyhanko_status(signing.render_signed(kk_content), demo_signing)

    embedded = {signature.signer_cert.dump(), *(cert.dump() for cert in signature.other_embedded_certs)}
    assert _der(demo_signing.signer_cert) in embedded
    assert _der(demo_signing.ca_cert) in embedded


def test_demo_signer_always_prints_the_demo_banner(demo_signing, kk_content):
    assert kk_content.demo is False

    pdf = signing.render_signed(kk_content)

    assert signing.signer().is_demo
    assert DEMO_BANNER in text(pdf)


def test_signing_keeps_the_original_bytes_as_first_revision(demo_signing, kk_content):
    unsigned = render(dataclasses.replace(kk_content, demo=True))

    signed = signing.signer().sign(unsigned, reason="Uji", location="Samarinda")

    assert signed.startswith(unsigned)


def test_every_signature_of_one_signer_reserves_enough_space(demo_signing, kk_content):
    signer = signing.signer()
    first = signer.sign(render(kk_content), reason="a", location="b")
    documents = [
        signer.sign(render(dataclasses.replace(kk_content, number=str(n))), reason="r" * n, location="x")
        for n in range(1, 6)
    ]

    for pdf in (first, *documents):
        _, status = _pyhanko_status(pdf, demo_signing)
        assert status.bottom_line


def test_signer_is_built_once_per_configuration(demo_signing, other_ca, settings):
    first = signing.signer()
    assert signing.signer() is first

    settings.DOCUMENT_SIGNING_DIR = other_ca.directory
    other = signing.signer()

    assert other is not first
    assert other.certificate.subject != first.certificate.subject


def test_missing_key_files_are_a_configuration_error(tmp_path, settings):
    settings.DOCUMENT_SIGNING_DIR = tmp_path

    with pytest.raises(ImproperlyConfigured, match="create_demo_ca"):
        signing.signer()


def test_unknown_backend_is_a_configuration_error(settings):
    settings.DOCUMENT_SIGNING_BACKEND = "cloud"

    with pytest.raises(ImproperlyConfigured, match="'file' or 'pkcs11'"):
        signing.signer()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DOCUMENT_SIGNING_PKCS11_LIB": ""}, "needs DOCUMENT_SIGNING_PKCS11_LIB"),
        ({"DOCUMENT_SIGNING_PKCS11_LIB": "/nonexistent/libsofthsm2.so"}, "no PKCS#11 module"),
        ({"DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL": ""}, "needs DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL"),
        ({"DOCUMENT_SIGNING_PKCS11_KEY_LABEL": ""}, "needs DOCUMENT_SIGNING_PKCS11_KEY_LABEL"),
    ],
)
def test_pkcs11_backend_reports_missing_configuration(settings, tmp_path, overrides, message):
    module = tmp_path / "libpkcs11.so"
    module.write_bytes(b"")
    settings.DOCUMENT_SIGNING_BACKEND = "pkcs11"
    settings.DOCUMENT_SIGNING_PKCS11_LIB = str(module)
    settings.DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL = "mpp"
    settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL = "penandatangan"
    for name, value in overrides.items():
        setattr(settings, name, value)

    with pytest.raises(ImproperlyConfigured, match=message):
        signing.signer()


def test_pkcs11_signer_opens_no_session_until_it_signs(settings, tmp_path):
    module = tmp_path / "libpkcs11.so"
    module.write_bytes(b"")
    settings.DOCUMENT_SIGNING_BACKEND = "pkcs11"
    settings.DOCUMENT_SIGNING_PKCS11_LIB = str(module)
    settings.DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL = "mpp"
    settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL = "penandatangan"

    configured = signing.signer()

    assert isinstance(configured, signing.Pkcs11Signer)
    assert configured.cert_label == "penandatangan"
    assert "_pades" not in vars(configured)
