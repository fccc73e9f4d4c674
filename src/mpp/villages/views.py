"""The village's own pages for its staff (and the region's manager): its office details and fees, and its
directory of RT/RW heads. Thin: the forms clean, ``services`` write, ``access`` decides who may."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mpp.core.errors import DomainError

from . import access, selectors, services
from .forms import HeadForm, OfficeForm


@login_required
def mine(request):
    """A village's staff member lands on their village's page."""
    villages = access.staff_villages(request.user)
    if not villages:
        raise Http404
    return redirect("villages:keep", code=villages[0])


def _page_for(request, code):
    if not access.may_keep(request.user, code):
        raise Http404
    page = selectors.village_page(code)
    if page is None:
        raise Http404
    return page


@login_required
@require_http_methods(["GET", "POST"])
def keep(request, code):
    page = _page_for(request, code)
    office = page.office
    initial = {}
    if office is not None:
        hours = office.opening_hours[0] if office.opening_hours else {}
        initial = {
            "head_name": office.head_name,
            "address": office.address,
            "phone": office.phone,
            "opens": hours.get("opens"),
            "closes": hours.get("closes"),
        }
    form = OfficeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_office(village=page.village, by=request.user, **form.changes(page.letters))
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(None if field in ("fees", "opening_hours") else field, errors)
        else:
            messages.success(request, _("Data kantor desa/kelurahan disimpan."))
            return redirect("villages:keep", code=code)
    return _render(request, page, form=form, head_form=HeadForm())


def _render(request, page, *, form, head_form, status=200):
    fees = page.office.fees if page.office else {}
    context = {
        "page": page,
        "form": form,
        "head_form": head_form,
        "heads": selectors.directory(page.village.code),
        "fee_rows": [
            (letter, request.POST.get(f"fee-{letter.slug}", fees.get(letter.slug, ""))) for letter in page.letters
        ],
    }
    return render(request, "villages/keep.html", context, status=status)


@login_required
@require_POST
def add_head(request, code):
    page = _page_for(request, code)
    head_form = HeadForm(request.POST)
    if head_form.is_valid():
        try:
            head = services.save_head(village=page.village, **head_form.cleaned_data)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                head_form.add_error(field if field in head_form.fields else None, errors)
        else:
            messages.success(request, _("%(head)s ditambahkan ke daftar.") % {"head": head.title})
            return redirect("villages:keep", code=code)
    return _render(request, page, form=OfficeForm(initial={}), head_form=head_form, status=400)


@login_required
@require_POST
def retire_head(request, code, head_id):
    page = _page_for(request, code)
    try:
        services.retire_head(village=page.village, head_id=head_id)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Ketua RT/RW dikeluarkan dari daftar; pengantar yang pernah diberikan tetap tercatat.")
        )
    return redirect("villages:keep", code=code)
