"""The citizen's pages: apply with a form that fills itself, follow every application, answer a revision."""

import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mpp.catalog import presentation
from mpp.catalog import selectors as catalog_selectors
from mpp.catalog.models import Mode, Service, ServiceLevel
from mpp.core import clock
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.documents.models import VALID_DAYS
from mpp.documents.selectors import vault_choices, vault_document
from mpp.files import selectors as files
from mpp.files.models import Upload
from mpp.files.services import store_upload
from mpp.forms.prefill import SPOUSE_RELATIONSHIPS
from mpp.forms.schema import (
    AddressField,
    ChoiceField,
    DateField,
    DeclarationField,
    DocumentField,
    FormSchema,
    PersonField,
)
from mpp.identity import selectors as identity_selectors
from mpp.identity.access import assurance_redirect
from mpp.identity.models import Role
from mpp.payments import selectors as payment_selectors
from mpp.regions.models import Region
from mpp.registry.nik import mask_nik
from mpp.registry.selectors import family_record, person_record
from mpp.villages import selectors as village_selectors

from .. import calendar, connectors, introductions, selectors, services
from ..models import Status
from ..prefilled import known_values
from . import lookup


@require_http_methods(["GET", "POST"])
def apply(request, service_id):
    """Apply for a service: its level of assurance first (sign in or upgrade, then back here), then
    the form with what the state holds already filled in and locked, and the receipt."""
    service = catalog_selectors.service_detail(service_id)
    if service is None or service.mode != Mode.APPLICATION:
        raise Http404
    detour = assurance_redirect(request, service.template.assurance_level)
    if detour is not None:
        return detour
    detail = presentation.service_detail(service)
    schema = service.current_version.template_version.parsed_form
    if schema is None:
        children = identity_selectors.minor_children(request.user)
        return render(request, "applications/citizen_apply_start.html", {"detail": detail, "children": children})

    people = _people(request.user) if schema.beneficiary == "self_or_family" else []
    chosen = request.POST.get("beneficiary") or request.GET.get("untuk") or ""
    if chosen and chosen != request.user.nik and chosen not in {nik for nik, _label in people}:
        # Only people the citizen may act for are offered; anything else is refused, never swapped for them.
        raise Http404
    beneficiary = chosen if chosen != request.user.nik else ""
    errors, problem, status, draft, duplicates = {}, "", 200, None, []
    if request.method == "POST":
        data, upload_errors = _posted(request, schema)
        try:
            if upload_errors:
                raise services.FormInvalid(upload_errors)
            result = services.submit(
                applicant=request.user,
                service=service,
                data=data,
                submit_key=request.POST.get("submit_key", ""),
                beneficiary_nik=beneficiary,
                allow_duplicate=request.POST.get("allow_duplicate") == "on",
            )
        except services.FormInvalid as invalid:
            errors, problem, status = invalid.errors | upload_errors, invalid.message, 422
        except services.LikelyDuplicate as duplicate:  # warned: the same form again, with a box to confirm
            problem, status, duplicates = duplicate.message, duplicate.status_code, duplicate.numbers
        except DomainError as refused:
            problem, status = refused.message, refused.status_code
        else:
            number = result.application.tracking_number
            messages.success(request, _("Permohonan Anda diterima dengan nomor %(number)s.") % {"number": number})
            return redirect("applications:detail", tracking_number=number)
    else:
        draft = services.draft_of(applicant=request.user, service=service, beneficiary_nik=beneficiary)
        data = draft.data if draft is not None else {}
    known = known_values(schema, applicant=request.user, beneficiary_nik=beneficiary)
    context = {
        "detail": detail,
        "fields": _field_views(schema, known, data, errors, request.user, region_id=service.region_id),
        "problem": problem,
        "submit_key": request.POST.get("submit_key") or uuid.uuid4().hex,
        "people": people,
        "beneficiary": beneficiary or request.user.nik,
        "draft": draft,
        "region_start": service.region_id,
        "duplicates": duplicates,
    }
    return render(request, "applications/citizen_apply.html", context, status=status)


def _apply_sign_in_reason(service_id) -> str | None:
    service = catalog_selectors.service_detail(service_id)
    if service is None:
        return None
    template = service.template
    name = template.name_en if get_language() == "en" and template.name_en else template.name
    return _("Masuk untuk mengajukan %(service)s.") % {"service": name}


# The sign-in page that ``apply`` sends a visitor to says why, in these words (identity.views.login_view).
apply.sign_in_reason = _apply_sign_in_reason


@login_required
@require_POST
def save_draft(request, service_id):
    """Autosave of the apply form (htmx, on every change): what was typed so far, files excepted."""
    service = catalog_selectors.service_detail(service_id)
    if service is None or service.mode != Mode.APPLICATION:
        raise Http404
    if not request.user.has_assurance(service.template.assurance_level):
        raise Http404
    schema = service.current_version.template_version.parsed_form
    if schema is None:
        raise Http404
    beneficiary = request.POST.get("beneficiary", "")
    beneficiary = "" if beneficiary == request.user.nik else beneficiary
    data, _errors = _posted(request, schema, store_files=False)
    try:
        draft = services.save_draft(applicant=request.user, service=service, data=data, beneficiary_nik=beneficiary)
    except DomainError as refused:
        return HttpResponse(refused.message, status=refused.status_code)
    if draft is None:
        return HttpResponse("")
    saved_at = clock.local_hour(draft.updated_at, service.region)
    return HttpResponse(_("Draf tersimpan pukul %(time)s.") % {"time": saved_at})


@login_required
def dashboard(request):
    now = timezone.now()
    # One reverse() per page, not per row (a row's link differs only by its number).
    detail = reverse("applications:detail", args=["NUMBER"])
    statuses = {status.value: str(status.label) for status in Status}  # translated once, not per row
    rows = [
        {
            **row,
            "status": statuses.get(row["status"], row["status"]),
            "clock": _days_left(row["status"], row["due_at"], row["zone"], now),
            "url": detail.replace("NUMBER", row["tracking_number"]) if row["tracking_number"] else _draft_url(row),
        }
        for row in selectors.citizen_applications(request.user)[:200]
    ]
    context = {"rows": rows, "bills": payment_selectors.open_bills_of(request.user)}
    return render(request, "applications/citizen_dashboard.html", context)


@login_required
def detail(request, tracking_number):
    application = selectors.citizen_application(request.user, tracking_number)
    if application is None:
        raise Http404
    schema = application.service_version.template_version.parsed_form
    return render(
        request,
        "applications/citizen_detail.html",
        {
            "application": application,
            "clock": _clock(application, timezone.now()),
            "answers": _answers(schema, application, request.user),
            "timeline": selectors.timeline(application),
            "holder": _holder(application),
            # What the receipt tells the citizen to follow it without signing in (``track``).
            "nik_last4": request.user.nik[-4:] if request.user.nik else "",
            "is_open": application.status in (Status.IN_PROGRESS, Status.FORWARDED),
            "bill": _bill(application),
            **_introduction(application),
            "delivery": connectors.delivery_note(application.pk) if application.status == Status.FORWARDED else None,
        },
    )


def _introduction(application) -> dict:
    """While a village letter waits for its RT/RW introduction: the latest request and whom else one may ask."""
    if application.status != Status.WAITING_INTRODUCTION:
        return {}
    return {
        "introduction": introductions.latest(application),
        "heads": list(village_selectors.directory(application.agency.village_id)),
        "now": timezone.now(),
    }


def _bill(application) -> payment_selectors.BillView | None:
    """The application's bill as its payer sees it: the one to pay, or the one paid."""
    bill = payment_selectors.last_bill_of(application)
    return payment_selectors.bill_view(bill) if bill is not None else None


@login_required
@require_POST
def renew_bill(request, tracking_number):
    """A new bill in place of one that expired unpaid."""
    application = selectors.citizen_application(request.user, tracking_number)
    if application is None:
        raise Http404
    try:
        services.renew_bill(application_id=application.pk, applicant=request.user)
    except (NotFound, Conflict) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Tagihan baru sudah dibuat. Bayar sebelum batas waktunya."))
    return redirect("applications:detail", tracking_number=tracking_number)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request, tracking_number):
    """Answer a revision: only the fields the officer flagged are open; everything else stays as it was."""
    application = selectors.citizen_application(request.user, tracking_number)
    if application is None:
        raise Http404
    if application.status != Status.REVISION:
        return redirect("applications:detail", tracking_number=tracking_number)
    schema = application.service_version.template_version.parsed_form
    # The flagged fields were shown when the officer flagged them: no condition hides them now.
    open_fields = FormSchema(
        fields=[
            spec.model_copy(update={"visible_if": None})
            for spec in schema.fields
            if spec.name in application.revision_fields
        ]
    )
    errors, problem, status, data = {}, "", 200, {}
    if request.method == "POST":
        data, upload_errors = _posted(request, open_fields)
        try:
            if upload_errors:
                raise services.FormInvalid(upload_errors)
            services.resubmit(application_id=application.pk, applicant=request.user, data=data)
        except services.FormInvalid as invalid:
            errors, problem, status = invalid.errors | upload_errors, invalid.message, 422
        except (NotFound, Conflict) as refused:
            problem, status = refused.message, refused.status_code
        else:
            messages.success(request, _("Perbaikan terkirim. Permohonan Anda diproses kembali."))
            return redirect("applications:detail", tracking_number=tracking_number)
    note = selectors.timeline(application).filter(action="revise").last()
    return render(
        request,
        "applications/citizen_revise.html",
        {
            "application": application,
            "note": note.note if note else "",
            "fields": _field_views(
                open_fields, {}, data or application.data, errors, request.user, region_id=application.region_id
            ),
            "region_start": application.region_id,
            "problem": problem,
        },
        status=status,
    )


# --- the form, both ways ---------------------------------------------------------------------


@dataclass
class FieldView:
    """One field as the template shows it."""

    spec: object
    kind: str
    name: str
    label: str
    help: str
    value: object = None
    error: str = ""
    locked: bool = False
    source: str = ""
    choices: list = field(default_factory=list)
    shown_when: str = ""
    text: str = ""
    upload: Upload | None = None
    #: A document the citizen may get online (a village's letter), when the vault holds no valid one:
    #: (its service page, its name, the days an issued one stays valid or None).
    get_online: tuple | None = None


def _field_views(
    schema: FormSchema, known: dict, posted: dict, errors: dict, user, *, region_id: str = ""
) -> list[FieldView]:
    english = get_language() == "en"
    members = _family_choices(user)
    upload_ids = [value["id"] for value in posted.values() if isinstance(value, dict) and "id" in value]
    uploads = files.owned_uploads(user, upload_ids)
    in_vault = vault_choices(user, [spec.document_type for spec in schema.fields if isinstance(spec, DocumentField)])
    wanted = [
        spec.document_type
        for spec in schema.fields
        if isinstance(spec, DocumentField) and spec.prefill and spec.name not in known
    ]
    online = _village_letters(user, wanted, region_id) if wanted else {}
    views = []
    for spec in schema.fields:
        found = known.get(spec.name)
        view = FieldView(
            spec=spec,
            kind=spec.type,
            name=spec.name,
            label=spec.label_en if english else spec.label,
            help=(spec.help_en if english else spec.help) or "",
            value=found.value if found and found.locked else posted.get(spec.name, found.value if found else None),
            error=errors.get(spec.name, ""),
            locked=bool(found and found.locked),
            source=found.label if found else "",
        )
        if isinstance(spec, ChoiceField):
            view.choices = [(choice.value, choice.label_en if english else choice.label) for choice in spec.choices]
        if isinstance(spec, PersonField):
            view.choices = _person_choices(spec, members, user)
            view.text = dict(view.choices).get((view.value or {}).get("nik", ""), "")
        if isinstance(spec, DeclarationField):
            view.text = spec.text_en if english else spec.text
        if isinstance(spec, DocumentField) and view.locked and found.document is not None:
            # Once only, across levels: a valid document the state issued is taken from the vault, not asked for.
            held = found.document
            view.text = _("Diambil dari brankas Anda: %(title)s · %(number)s, terbit %(date)s") % {
                "title": held.document.title,
                "number": held.issued.number,
                "date": clock.local_date(held.issued.issued_at, held.issued.region),
            }
        elif isinstance(spec, DocumentField):
            # Once only: a document already in the vault is offered, and chosen unless the citizen chose otherwise —
            # but not where the vault was asked for a valid one and had none (an expired letter): the citizen chooses.
            view.choices = in_vault.get(spec.document_type, [])
            view.get_online = online.get(spec.document_type) if spec.prefill else None
            if view.value is None and view.choices and spec.name not in posted and not spec.prefill:
                view.value = {"source": "vault", "id": view.choices[0][0]}
            if isinstance(view.value, dict) and view.value.get("source") == "upload":
                view.upload = uploads.get(view.value.get("id", ""))
        if spec.visible_if is not None:
            condition = spec.visible_if
            values = condition.one_of if condition.one_of is not None else [condition.equals]
            view.shown_when = f"{condition.field}={'|'.join(_as_posted(value) for value in values)}"
        if isinstance(spec, AddressField) and isinstance(view.value, dict):
            view.text = _address_text(view.value)
        views.append(view)
    return views


def _village_letters(user, document_types: list[str], region_id: str) -> dict[str, tuple]:
    """The village letters among ``document_types`` the citizen can ask their village for online: each type's
    service page (their own village's, when the registry says where they live), name and days of validity."""
    record = person_record(user.nik) if user.nik else None
    village = ((record.data.get("address") or {}).get("village_code") or "") if record else ""
    region = village[:5] if village else region_id
    services = Service.objects.filter(
        region_id=region,
        template__slug__in=document_types,
        template__level=ServiceLevel.VILLAGE,
        mode=Mode.APPLICATION,
        is_active=True,
    ).select_related("template")
    english = get_language() == "en"
    letters = {}
    for service in services:
        template = service.template
        url = (
            reverse("portal:village_service", args=[village, service.pk])
            if village
            else reverse("portal:service", args=[service.pk])
        )
        name = template.name_en if english and template.name_en else template.name
        letters[template.slug] = (url, name, VALID_DAYS.get(template.slug))
    return letters


def _people(user) -> list[tuple[str, str]]:
    """For whom the citizen may apply: themselves, minor children on their KK, grantors of their delegations."""
    people = [(user.nik, _("Diri sendiri"))] if user.nik else []
    people += [
        (child["nik"], _("%(name)s (anak)") % {"name": child.get("name", "")})
        for child in identity_selectors.minor_children(user)
        if child.get("nik")
    ]
    people += [
        (grant.grantor.nik, _("%(name)s (kuasa)") % {"name": grant.grantor.get_full_name() or grant.grantor.nik})
        for grant in identity_selectors.active_delegations_to(user)
        if grant.grantor.nik
    ]
    return people


def _as_posted(value) -> str:
    """A condition's value as the browser posts it (a declaration or boolean choice is "on"/"true")."""
    return "true" if value is True else "false" if value is False else str(value)


def _address_text(address: dict) -> str:
    parts = [address.get("street", ""), f"RT {address.get('rt', '')}/RW {address.get('rw', '')}"]
    parts += [address.get(key, "") for key in ("village_name", "district_name", "regency_name")]
    return ", ".join(part for part in parts if part and part != "RT /RW ")


def _family_choices(user) -> list[dict]:
    record = person_record(user.nik) if user.nik else None
    family = family_record(record.kk_number) if record else None
    return family.data.get("members", []) if family else []


def _person_choices(spec: PersonField, members: list[dict], user) -> list[tuple[str, str]]:
    choices = [(user.nik, _("Saya sendiri"))] if spec.allow_self and user.nik else []
    allowed = set(spec.relationships) or SPOUSE_RELATIONSHIPS
    choices += [
        (member["nik"], f"{member.get('name', '')} ({member.get('relationship', '').lower()})")
        for member in members
        if member.get("nik") and member.get("nik") != user.nik and member.get("relationship") in allowed
    ]
    return choices


def _posted(request, schema: FormSchema, *, store_files: bool = True, owner=None) -> tuple[dict, dict]:
    """The form's values from a POST, with new files checked and stored; and the errors of refused files.

    A file stored on an earlier, failed attempt comes back as ``<name>__id``, so nothing the
    citizen uploaded is lost when another field was wrong.
    """
    data, errors = {}, {}
    post = request.POST
    for spec in schema.fields:
        name = spec.name
        if isinstance(spec, AddressField):
            data[name] = {part: post.get(f"{name}__{part}", "") for part in ("village_code", "street", "rt", "rw")}
        elif isinstance(spec, PersonField):
            data[name] = {"nik": post[name]} if post.get(name) else None
        elif isinstance(spec, DocumentField):
            uploaded = request.FILES.get(f"{name}__file") if store_files else None
            if uploaded is not None:
                try:
                    stored = store_upload(owner=owner or request.user, uploaded=uploaded)
                except ValidationError as refused:
                    errors[name] = refused.messages[0]
                    continue
                data[name] = {"source": "upload", "id": str(stored.pk)}
            elif post.get(f"{name}__vault"):
                data[name] = {"source": "vault", "id": post[f"{name}__vault"]}
            elif post.get(f"{name}__id"):
                data[name] = {"source": "upload", "id": post[f"{name}__id"]}
        elif isinstance(spec, DeclarationField):
            data[name] = post.get(name) == "on"
        else:
            data[name] = post.get(name, "")
    return data, errors


# --- reading an application ------------------------------------------------------------------


def _answers(schema: FormSchema | None, application, user) -> list[dict]:
    """The citizen's answers as sentences they recognise: choices by their label, dates as dates,
    people by name with a masked NIK, a declaration by what was declared."""
    if schema is None:
        return []
    english = get_language() == "en"
    data = application.data
    people = {member.get("nik"): member.get("name", "") for member in _people_on_kk(schema, data, user)}
    villages = _village_names(schema, data)
    answers = []
    for spec in schema.fields:
        if spec.name not in data:
            continue
        value = data[spec.name]
        if isinstance(spec, ChoiceField):
            value = next(((c.label_en if english else c.label) for c in spec.choices if c.value == value), value)
        elif isinstance(spec, PersonField):
            value = _person_text((value or {}).get("nik", ""), people, user)
        elif isinstance(spec, DocumentField):
            from_vault = isinstance(value, dict) and value.get("source") == "vault"
            value = _("dari brankas dokumen Anda") if from_vault else _("berkas terlampir")
        elif isinstance(spec, DeclarationField):
            text = spec.text_en if english else spec.text
            value = _("Anda menyatakan: “%(text)s”") % {"text": text} if value else _("Tidak dinyatakan.")
        elif isinstance(spec, DateField):
            value = clock.local_date(value)
        elif isinstance(spec, AddressField) and isinstance(value, dict):
            village = villages.get(value.get("village_code", ""), value.get("village_code", ""))
            value = f"{value.get('street', '')}, RT {value.get('rt', '')}/RW {value.get('rw', '')}, {village}"
        answers.append(
            {
                "label": spec.label_en if english else spec.label,
                "value": value,
                "source": application.provenance.get(spec.name, {}).get("label", ""),
                "flagged": spec.name in application.revision_fields,
            }
        )
    return answers


def _people_on_kk(schema: FormSchema, data: dict, user) -> list[dict]:
    """The applicant's family (their KK, our copy of the registry's) when the answers name a person."""
    names_someone = any(isinstance(spec, PersonField) and data.get(spec.name) for spec in schema.fields)
    return _family_choices(user) if names_someone and user.nik else []


def _person_text(nik: str, people: dict[str, str], user) -> str:
    """The person as "BUDI SANTOSO · NIK 647201••••••0001": never the whole NIK (``mask_nik``, as on *Akun saya*)."""
    if not nik:
        return "—"
    name = _("Anda sendiri") if nik == user.nik else people.get(nik, "")
    masked = _("NIK %(nik)s") % {"nik": mask_nik(nik)}
    return f"{name} · {masked}" if name else masked


def _village_names(schema: FormSchema, data: dict) -> dict[str, str]:
    codes = [
        value.get("village_code")
        for spec in schema.fields
        if isinstance(spec, AddressField) and isinstance(value := data.get(spec.name), dict)
    ]
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def _holder(application) -> str:
    """Who holds the application now: the agency and role, or the citizen; never an officer's name."""
    if application.status == Status.REVISION:
        return _("Anda (perlu perbaikan)")
    if application.status == Status.FORWARDED:
        return _("Sistem %(agency)s") % {"agency": application.agency.name}
    if application.status == Status.WAITING_INTRODUCTION:
        return _("Ketua RT/RW (pengantar)")
    if application.status != Status.IN_PROGRESS:
        return ""
    return f"{Role(application.step_role).label} · {application.agency.name}"


def _draft_url(row: dict) -> str:
    """Where a draft is taken up again: its service's form, for the person it is for."""
    url = reverse("applications:apply", args=[row["service_id"]])
    return f"{url}?{urlencode({'untuk': row['beneficiary_nik']})}" if row["beneficiary_nik"] else url


def _clock(application, now) -> dict | None:
    """Working days left ({"left": n}) or late ({"late": n}) while the agency holds the application."""
    return _days_left(application.status, application.due_at, application.region.time_zone, now)


def _days_left(status: str, due_at, zone: str, now) -> dict | None:
    if status not in (Status.IN_PROGRESS, Status.FORWARDED) or due_at is None:
        return None
    left = calendar.working_days_left(now, due_at, zone)
    return {"left": left} if left >= 0 else {"late": -left}


@require_http_methods(["GET", "POST"])
def track(request):
    """Public tracking: the tracking number and the last four digits of the applicant's NIK.

    Shows the service, the status, who holds it (agency and role) and the deadline, never a
    name or a NIK. Limited per address and per number, so numbers cannot be tried in bulk.
    """
    form, application, status = lookup.look_up(request, group="track", asker="ip", rate="20/h")
    context = {"form": form, "application": application}
    if application is not None:
        context |= {"clock": _clock(application, timezone.now()), "holder": _holder(application)}
    return render(request, "applications/track.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def vault_remove(request, document_id):
    """Remove a document from the citizen's vault, unless an open application uses it.

    Two steps, without any script: the vault's "Hapus" opens a page that says what removing means
    (GET); its button posts ``confirm=yes``. A POST without it asks again and removes nothing.
    """
    document = vault_document(request.user, document_id)
    if document is None:
        raise Http404
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        asked_again = request.method == "POST"
        context = {"document": document, "unconfirmed": asked_again}
        return render(request, "applications/vault_remove.html", context, status=400 if asked_again else 200)
    try:
        services.remove_vault_document(owner=request.user, document_id=document_id)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Dokumen dihapus dari brankas Anda."))
    return redirect("documents:vault")
