"""A transaction is answered once, never more: the database refuses a second answer, even two sent at once."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mpp.core.testing import at_once
from mpp.surveys import services
from mpp.surveys.models import Answer, Source

from .conftest import answers, make_application


def _invitation(citizen):
    now = timezone.now()
    application = make_application(citizen, submitted_at=now - dt.timedelta(days=1), decided_at=now)
    return services.invite_application(application=application)


@pytest.mark.django_db
def test_the_database_refuses_a_second_answer_for_one_invitation(citizen):
    invitation = _invitation(citizen)
    first = services.answer_invitation(invitation_id=invitation.pk, values=answers(), source=Source.WEB)
    copy = Answer(**{field.attname: getattr(first, field.attname) for field in Answer._meta.concrete_fields})
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    with pytest.raises(services.AlreadyAnswered):
        services.answer_invitation(invitation_id=invitation.pk, values=answers(), source=Source.KIOSK)
    assert Answer.objects.count() == 1


@pytest.mark.django_db
def test_an_answer_out_of_range_is_refused_by_the_database(citizen):
    invitation = _invitation(citizen)
    answer = services.answer_invitation(invitation_id=invitation.pk, values=answers(), source=Source.WEB)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(u4=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(invitation=None)  # tied answers stay tied


@pytest.mark.django_db
def test_one_application_has_one_invitation_however_it_is_reached(citizen):
    invitation = _invitation(citizen)
    application_id = invitation.reference
    from mpp.applications.models import Application

    application = Application.objects.get(pk=application_id)
    assert services.invite_application(application=application).pk == invitation.pk
    assert services.invite_applications([application.pk]) == 1
    from mpp.surveys.models import Invitation

    assert Invitation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_answers_sent_at_once_give_one_answer(citizen):
    invitation = _invitation(citizen)

    results = at_once(
        6, lambda index: services.answer_invitation(invitation_id=invitation.pk, values=answers(), source=Source.KIOSK)
    )

    assert sum(isinstance(result, Answer) for result in results) == 1
    assert all(isinstance(result, (Answer, services.AlreadyAnswered)) for result in results), results
    assert Answer.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_codes_asked_at_once_give_one_code(citizen, counter_officer):
    from mpp.applications.models import Channel, Status

    visit = make_application(
        citizen,
        status=Status.IN_PROGRESS,
        submitted_at=timezone.now(),
        channel=Channel.COUNTER,
        entered_by=counter_officer,
    )

    results = at_once(4, lambda index: services.issue_code(application=visit).code)

    assert len(set(results)) == 1, results
