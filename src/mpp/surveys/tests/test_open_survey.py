"""The open public survey: anyone may answer about a region's MPP, but it is counted apart, never in the index."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.surveys import refresh
from mpp.surveys.models import Answer, IndexFigure, Source

from .conftest import make_application, posted, service_of

pytestmark = pytest.mark.django_db


def test_an_open_answer_is_stored_unlinked_and_left_out_of_the_index(client, citizen, instant_settle):
    service = service_of()
    page = client.get("/survei/64.72/").content.decode()
    assert "tidak masuk Indeks Kepuasan Masyarakat" in page and service.template.name in page
    response = client.post("/survei/64.72/", posted(values=(1,) * 9, service=str(service.pk)))
    assert response.status_code == 200 and "Terima kasih" in response.content.decode()
    answer = Answer.objects.get()
    assert not answer.is_linked and answer.invitation is None and answer.source == Source.PUBLIC
    assert answer.service_id == service.pk and answer.agency_id == service.agency_id

    now = timezone.now()
    decided = make_application(citizen, submitted_at=now - dt.timedelta(days=2), decided_at=now - dt.timedelta(hours=1))
    from mpp.surveys import services

    services.answer_application(application=decided, values={f"u{n}": 4 for n in range(1, 10)})
    refresh.refresh()

    linked = IndexFigure.objects.get(is_linked=True)
    opened = IndexFigure.objects.get(is_linked=False)
    assert (linked.respondents, linked.u1, linked.served) == (1, 4, 1)
    assert (opened.respondents, opened.u1, opened.served) == (1, 1, 0)
    region_page = client.get("/ikm/64.72/").content.decode()
    assert "100,00" in region_page  # the index: the tied answer alone
    assert "1 jawaban survei umum" in region_page and "25,00" in region_page  # the open one, apart


def test_the_mpp_as_a_whole_may_be_rated_without_a_service(client):
    assert client.post("/survei/64.72/", posted()).status_code == 200
    answer = Answer.objects.get()
    assert answer.service_id is None and answer.agency_id is None and answer.region_id == "64.72"


def test_another_regions_service_cannot_be_chosen(client):
    other = service_of(region="33.72")
    response = client.post("/survei/64.72/", posted(service=str(other.pk)))
    assert response.status_code == 400 and not Answer.objects.exists()


def test_open_answers_are_limited_per_address(client, monkeypatch):
    from mpp.surveys.views import public

    monkeypatch.setattr(public, "OPEN_ANSWERS_PER_ADDRESS", "2/h")
    statuses = [client.post("/survei/64.72/", posted()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429] and Answer.objects.count() == 2


def test_an_unknown_region_or_a_province_is_404(client):
    assert client.get("/survei/99.99/").status_code == 404
    assert client.get("/survei/64/").status_code == 404
    assert client.post("/survei/64/", posted()).status_code == 404
