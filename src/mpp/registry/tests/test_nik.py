import pytest
from django.core.exceptions import ValidationError

from mpp.registry.nik import mask_nik, validate_nik


def test_a_well_formed_nik_is_parsed():
    nik = validate_nik("6472015204900003")  # 52 = 12 + 40: a woman born on the 12th
    assert nik.district_code == "64.72.01"
    assert nik.birth_date.isoformat() == "1990-04-12"
    assert nik.sex == "P"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12345", "format"),
        ("64720152049000a3", "format"),
        ("9972015204900003", "province"),
        ("6472995204900003", "wilayah_unknown"),
        ("6472013204900003", "birth_date"),  # day 32
        ("6472015213900003", "birth_date"),  # month 13
        ("6472015204900000", "serial"),
    ],
)
def test_malformed_niks_are_refused_before_any_registry_call(raw, code):
    with pytest.raises(ValidationError) as raised:
        validate_nik(raw)
    assert raised.value.code == code


def test_a_nik_is_masked_for_display():
    assert mask_nik("6472015204900003") == "647201••••••0003"
