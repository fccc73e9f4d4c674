"""Recording officers' views of an application, for the citizen's "who used my data" page."""

from django.conf import settings
from django.utils import translation

from mpp.audit.models import AccessKind, DataAccess
from mpp.audit.services import record_data_access
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles

from .models import Application


def shown_fields(application: Application) -> list[str]:
    """The form fields an officer's page shows: those of the form that hold a value, in the form's order."""
    form = application.service_version.template_version.parsed_form
    if form is None:
        return []
    return [field.name for field in form.fields if field.name in application.data]


def officer_label(application: Application, officer) -> str:
    """The officer as the citizen sees them: role and agency, never a name; in the site's language."""
    roles = sorted(role for agency, role in agency_roles(officer) if agency == application.agency_id)
    role = application.step_role if application.step_role in roles else next(iter(roles), "")
    with translation.override(settings.LANGUAGE_CODE):
        return f"{Role(role).label if role else translation.gettext('Petugas')} · {application.agency.name}"


def record_officer_view(application: Application, officer, *, fields: list[str] | None = None) -> list[DataAccess]:
    """Record that ``officer`` saw the application's data (or the ``fields`` named); returns the rows written.

    One row about the applicant, and one about the beneficiary when that is someone else
    (a parent applying for their child): each sees the view in their own list. The officer
    is named by role and agency only, never by name.
    """
    label = officer_label(application, officer)
    # Kept in the site's language: the citizen reads it, whatever language the officer uses.
    with translation.override(settings.LANGUAGE_CODE):
        purpose = translation.gettext("Memproses permohonan %(number)s") % {"number": application.tracking_number}
    fields = shown_fields(application) if fields is None else fields
    subjects = dict.fromkeys(nik for nik in (application.applicant.nik, application.beneficiary_nik) if nik)
    return [
        record_data_access(
            subject_nik=nik,
            kind=AccessKind.OFFICER_VIEW,
            actor=officer,
            actor_label=label,
            purpose=purpose,
            fields=fields,
            outcome="dilihat",
        )
        for nik in subjects
    ]


def record_delegate_download(upload, delegate) -> None:
    """A file opened on its owner's behalf (a delegation), recorded against both persons."""
    with translation.override(settings.LANGUAGE_CODE):
        purpose = translation.gettext("Berkas %(name)s dibuka atas kuasa") % {"name": upload.original_name}
        label = translation.gettext("Penerima kuasa")
    record_on_behalf(
        principal_nik=upload.owner.nik,
        agent=delegate,
        label=label,
        purpose=purpose,
        fields=["berkas"],
        outcome="dibuka",
    )


def record_on_behalf(*, principal_nik: str, agent, label: str, purpose: str, fields: list[str], outcome: str) -> None:
    """An act by ``agent`` on ``principal_nik``'s behalf, recorded against both persons (each sees it)."""
    for subject, other in ((principal_nik, ""), (agent.nik, principal_nik)):
        record_data_access(
            subject_nik=subject,
            kind=AccessKind.ON_BEHALF,
            actor=agent,
            actor_label=label,
            purpose=purpose,
            fields=fields,
            outcome=outcome,
            on_behalf_of_nik=other,
        )
