import stat

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command

from mpp.documents.demo_ca import DOCUMENT_SIGNING, create_demo_ca, is_demo_certificate

# The command object, not its name: works before the app is in INSTALLED_APPS.
from mpp.documents.management.commands import create_demo_ca as create_demo_ca_command


def _load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_signing_certificate_is_marked_demo_and_chains_to_the_demo_root(demo_ca):
    root, signer = _load(demo_ca.ca_cert), _load(demo_ca.signer_cert)

    assert is_demo_certificate(root) and is_demo_certificate(signer)
    assert "DEMO" in signer.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "MPP Digital DEMO Root CA — bukan untuk penggunaan resmi"
    )
    assert signer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "MPP Digital DEMO — Penandatangan Dokumen"
    )
    signer.verify_directly_issued_by(root)


def test_signing_certificate_is_for_document_signing_only(demo_ca):
    signer = _load(demo_ca.signer_cert)
    usage = signer.extensions.get_extension_for_class(x509.KeyUsage).value
    purposes = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value

    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign and not usage.key_encipherment
    assert DOCUMENT_SIGNING in purposes
    assert ExtendedKeyUsageOID.SERVER_AUTH not in purposes
    assert signer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_private_keys_are_readable_by_the_owner_only(demo_ca):
    for key in (demo_ca.ca_key, demo_ca.signer_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_creating_again_keeps_the_existing_ca(tmp_path):
    first = create_demo_ca(tmp_path)
    before = first.signer_cert.read_bytes()

    again = create_demo_ca(tmp_path)

    assert first.created and not again.created
    assert again.signer_cert.read_bytes() == before


def test_force_replaces_the_ca(tmp_path):
    before = create_demo_ca(tmp_path).signer_cert.read_bytes()

    replaced = create_demo_ca(tmp_path, force=True)

    assert replaced.created
    assert replaced.signer_cert.read_bytes() != before


def test_a_ca_without_demo_in_its_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="DEMO"):
        create_demo_ca(tmp_path, organization="Balai Sertifikasi Elektronik")


def test_command_creates_the_ca_in_the_signing_dir_once(tmp_path, settings, capsys):
    settings.DOCUMENT_SIGNING_DIR = tmp_path / "signing"

    call_command(create_demo_ca_command.Command())
    created = (tmp_path / "signing" / "signer.pem").read_bytes()
    call_command(create_demo_ca_command.Command())

    assert (tmp_path / "signing" / "signer.pem").read_bytes() == created
    output = capsys.readouterr().out
    assert "Created demo CA" in output and "Kept the existing demo CA" in output

    call_command(create_demo_ca_command.Command(), "--force")
    assert (tmp_path / "signing" / "signer.pem").read_bytes() != created
