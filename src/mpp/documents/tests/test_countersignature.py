"""A document signed by two parties, one after the other (a region's agreement with the ministry):
the second signature is an incremental update that keeps the first valid, and each is reported."""

import pytest

from mpp.documents import signing, validation

pytestmark = pytest.mark.django_db


def signed_twice(content) -> bytes:
    first = signing.render_signed(content, field_name="TandaTanganDaerah", reason="Atas nama Pemerintah Daerah")
    return signing.signer().sign(
        first,
        field_name="TandaTanganKementerian",
        reason="Atas nama Kementerian PANRB",
        location="Jakarta",
        certify=False,
    )


def test_a_countersignature_keeps_the_first_signature_valid(kk_content):
    verdict = validation.validate(signed_twice(kk_content))
    assert verdict.is_valid, verdict.reason
    assert [check.label for check in verdict.signatures] == [
        "Atas nama Pemerintah Daerah",
        "Atas nama Kementerian PANRB",
    ]
    assert all(check.valid for check in verdict.signatures)


def test_both_signatures_hold_at_pades_b_lta(long_term_signing, kk_content):
    verdict = validation.validate(signed_twice(kk_content))
    assert verdict.is_valid, [check.reason for check in verdict.signatures]
    assert verdict.long_term
    assert all(check.timestamped_at for check in verdict.signatures)


def test_bytes_appended_after_the_second_signature_break_the_file(kk_content):
    pdf = signed_twice(kk_content)
    tampered = pdf + b"\n1 0 obj\n(extra)\nendobj\n"
    verdict = validation.validate(tampered)
    assert not verdict.is_valid


def test_a_single_signature_is_still_judged_as_before(kk_content):
    verdict = validation.validate(signing.render_signed(kk_content))
    assert verdict.is_valid and len(verdict.signatures) == 1
