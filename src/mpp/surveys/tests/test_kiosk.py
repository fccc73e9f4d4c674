"""The MPP's kiosk: code → questionnaire → thanks, then back to the start; wrong, used and expired codes say so."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.applications.models import Channel, Status
from mpp.surveys import services
from mpp.surveys.models import Answer, Source

from .conftest import make_application, posted, service_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(citizen, counter_officer):
    visit = make_application(
        citizen,
        status=Status.IN_PROGRESS,
        submitted_at=timezone.now(),
        channel=Channel.COUNTER,
        entered_by=counter_officer,
    )
    return services.issue_code(application=visit).code


def test_a_code_opens_the_questionnaire_and_the_answer_is_counted(client, code):
    assert "Kode survei" in client.get("/survei/kios/").content.decode()
    start = client.post("/survei/kios/", {"code": code.lower()})
    page = start.content.decode()
    assert start.status_code == 200 and "Akta Kelahiran" in page and f'value="{code}"' in page
    assert code not in start.request["PATH_INFO"]

    done = client.post("/survei/kios/", posted(code=code))
    # Post/redirect/get: a reload of the thanks never sends the answer again.
    assert done.status_code == 303 and done["Location"] == "/survei/kios/?terima-kasih"
    thanks = client.get(done["Location"]).content.decode()
    assert "Terima kasih atas penilaian Anda." in thanks and 'name="code"' in thanks and 'value=""' in thanks
    assert 'data-kiosk-reset="15" data-kiosk-start="/survei/kios/"' in thanks
    answer = Answer.objects.get()
    assert answer.source == Source.KIOSK and answer.is_linked and answer.channel == Channel.COUNTER


def test_a_used_code_says_so(client, code):
    client.post("/survei/kios/", posted(code=code))
    response = client.post("/survei/kios/", {"code": code})
    assert response.status_code == 409 and "sudah diisi" in response.content.decode()
    again = client.post("/survei/kios/", posted(code=code))
    assert again.status_code == 409 and Answer.objects.count() == 1


def test_a_wrong_code_says_so(client, code):
    wrong = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    response = client.post("/survei/kios/", {"code": wrong})
    assert response.status_code == 400 and "tidak dikenal" in response.content.decode()
    short = client.post("/survei/kios/", {"code": "12"})
    assert short.status_code == 400 and "6 huruf dan angka" in short.content.decode()


def test_an_expired_code_says_so(client, code):
    from mpp.surveys.models import Invitation

    Invitation.objects.update(code_expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.post("/survei/kios/", {"code": code})
    assert response.status_code == 400 and "sudah tidak berlaku" in response.content.decode()
    assert client.post("/survei/kios/", posted(code=code)).status_code == 400
    assert not Answer.objects.exists()


def test_an_mpps_own_kiosk_takes_only_its_regions_codes(client, code):
    assert client.post("/survei/kios/64.72/", {"code": code}).status_code == 200
    other = client.post("/survei/kios/33.72/", {"code": code})
    assert other.status_code == 400 and "MPP daerah lain" in other.content.decode()
    assert client.post("/survei/kios/33.72/", posted(code=code)).status_code == 400
    assert client.get("/survei/kios/99.99/").status_code == 404
    done = client.post("/survei/kios/64.72/", posted(code=code), follow=True).content.decode()
    assert 'data-kiosk-start="/survei/kios/64.72/"' in done


def test_an_incomplete_answer_keeps_the_code_and_marks_the_questions(client, code):
    body = posted(code=code)
    del body["u9"]
    response = client.post("/survei/kios/", body)
    page = response.content.decode()
    assert response.status_code == 400 and "Pilih salah satu jawaban." in page and f'value="{code}"' in page
    assert not Answer.objects.exists()


def test_guessing_is_limited_per_address(client, code, monkeypatch):
    from mpp.surveys.views import kiosk

    monkeypatch.setattr(kiosk, "STARTS_PER_ADDRESS", "3/h")
    statuses = [client.post("/survei/kios/", {"code": f"ABCDE{index}"}).status_code for index in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_tries_of_one_code_are_limited_wherever_they_come_from(client, code):
    statuses = [
        client.post("/survei/kios/", {"code": "ABCDEF"}, REMOTE_ADDR=f"10.0.0.{index}").status_code
        for index in range(11)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_the_kiosk_shows_the_service_not_the_person(client, code, citizen):
    page = client.post("/survei/kios/", {"code": code}).content.decode()
    assert citizen.nik not in page and service_of().agency.name in page
