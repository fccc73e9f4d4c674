"""What the applications app tells the citizen's data-use log about the uses it records.

Officers' views, their registry lookups, files opened, documents issued, acts on someone's behalf:
each names the application's tracking number in its purpose (``access``, ``views.officer``,
``services``). This finds those applications — only the person's own, as applicant or
beneficiary, whatever a purpose typed by an officer says — and names them, their region's
time zone and their form's fields. Found by ``mpp.audit.selectors`` (``describes``).
"""

import re
from collections.abc import Mapping, Sequence
from uuid import UUID

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language

from mpp.audit.selectors import Subject, UseLine, describes

from .models import Application

#: ``6472-2611-7KQ3XZ9M``: the kabupaten/kota, the month, eight characters of Crockford's base 32.
TRACKING_NUMBER = re.compile(r"\b\d{4}-\d{4}-[0-9A-HJKMNP-TV-Z]{8}\b")


@describes
def applications_named(nik: str, lines: Sequence[UseLine]) -> Mapping[UUID, Subject]:
    """For each line whose purpose names one of ``nik``'s applications: that application. One query."""
    numbers = {line.id: found.group() for line in lines if (found := TRACKING_NUMBER.search(line.purpose))}
    if not numbers:
        return {}
    applications = (
        Application.objects.filter(tracking_number__in=set(numbers.values()))
        .filter(Q(applicant__nik=nik) | Q(beneficiary_nik=nik))
        .select_related("service__template", "service_version__template_version", "region", "applicant")
    )
    english = get_language() == "en"
    subjects = {application.tracking_number: _subject(application, nik, english) for application in applications}
    return {line_id: subjects[number] for line_id, number in numbers.items() if number in subjects}


def _subject(application: Application, nik: str, english: bool) -> Subject:
    number = application.tracking_number
    form = application.service_version.template_version.parsed_form
    return Subject(
        key=number,
        title=f"{application.service.template.name} · {number}",
        # The applicant follows it on its page; a beneficiary (a child, a grantor) has no page of it.
        url=reverse("applications:detail", args=[number]) if application.applicant.nik == nik else "",
        zone=application.region.time_zone,
        labels={
            spec.name: (spec.label_en if english and spec.label_en else spec.label)
            for spec in (form.fields if form else ())
        },
    )
