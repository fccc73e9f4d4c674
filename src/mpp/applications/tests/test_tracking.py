"""Public tracking: the number and the last four digits of the applicant's NIK, nothing personal, rate-limited."""

import pytest
from django.core.cache import cache

from mpp.applications import services
from mpp.applications.models import normalise_tracking_number

from .conftest import SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def number(siti, birth_service):
    return services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application.tracking_number


def track(client, number, last4, address="203.0.113.7"):
    return client.post("/lacak/", {"tracking_number": number, "nik_last4": last4}, REMOTE_ADDR=address)


def test_the_number_and_the_nik_digits_show_where_it_stands_and_nothing_personal(client, number):
    response = track(client, number.lower(), SITI_NIK[-4:])
    html = response.content.decode()
    assert response.status_code == 200
    assert number in html and "Penerbitan Akta Kelahiran" in html and "Verifikator" in html
    assert "SITI" not in html and SITI_NIK not in html and "Ayu Lestari" not in html


def test_a_wrong_pair_and_an_unknown_number_look_the_same(client, number):
    wrong = track(client, number, "0000")
    unknown = track(client, "6472-2611-AAAAAAAA", SITI_NIK[-4:])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content.decode().count("Tidak ada permohonan dengan nomor dan NIK itu.") == 1
    assert unknown.content.decode().count("Tidak ada permohonan dengan nomor dan NIK itu.") == 1


def test_malformed_input_is_a_field_error(client):
    response = track(client, "", "12a4")
    assert response.status_code == 400
    assert "Isikan tepat 4 angka." in response.content.decode()


def test_guessing_is_limited_per_number_and_per_address(client, number):
    for attempt in range(10):
        assert track(client, number, f"{attempt + 10:04d}", address=f"198.51.100.{attempt}").status_code == 404
    assert track(client, number, SITI_NIK[-4:], address="198.51.100.99").status_code == 429  # per number
    for attempt in range(20):
        track(client, f"6472-2611-GUESS{attempt:03d}", "1234", address="192.0.2.1")
    assert track(client, "6472-2611-OTHER000", "1234", address="192.0.2.1").status_code == 429  # per address


@pytest.mark.parametrize(
    "typed",
    [" {n} ", "{lower}", "{compact}", "{n_spaced}", "{n_dotted}", "{n_slashed}"],
)
def test_a_number_typed_any_way_finds_the_application(client, number, typed):
    compact = number.replace("-", "")
    shown = typed.format(
        n=number,
        lower=number.lower(),
        compact=compact,
        n_spaced=number.replace("-", " "),
        n_dotted=number.replace("-", "."),
        n_slashed=number.replace("-", " / "),
    )
    assert track(client, shown, SITI_NIK[-4:]).status_code == 200


def test_padding_case_and_separators_give_no_fresh_attempts(client, number):
    variants = [
        number,
        f"  {number}  ",
        number.lower(),
        number.replace("-", ""),
        number.replace("-", " "),
        number.replace("-", "."),
        f"\t{number.lower()}\n",
        number.replace("-", "/"),
        " ".join(number),
        number.replace("-", "--"),
    ]
    for attempt, typed in enumerate(variants):
        assert track(client, typed, f"{attempt + 10:04d}", address=f"198.51.100.{attempt}").status_code == 404
    assert track(client, f"   {number.lower()}", SITI_NIK[-4:], address="198.51.100.99").status_code == 429


def test_the_letters_crockford_leaves_out_read_as_digits():
    assert normalise_tracking_number("6472-26II-7KQ3XZ9O") == "6472-2611-7KQ3XZ90"
    assert normalise_tracking_number("6472 2611 7kq3xz9m") == "6472-2611-7KQ3XZ9M"
