"""Uploaded files, handed out only to whom they concern: never served from MEDIA_ROOT directly."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import access, presence, selectors
from ..links import link_is_valid


@login_required
@require_GET
def download(request, upload_id):
    """The file, to its owner, or to an officer of the agency handling the application that uses it
    (that access is recorded for the citizen), through a short-lived link made for them
    (``links.file_url``; an old one answers 410). Anyone else: 404, as if it did not exist."""
    upload, application = selectors.upload_for(request.user, upload_id, present=presence.present_ids(request))
    if upload is None:
        raise Http404
    if not link_is_valid(upload_id, request.user, request.GET.get("t", "")):
        return render(request, "applications/link_expired.html", status=410)
    if upload.owner_id != request.user.pk and application is None:
        access.record_delegate_download(upload, request.user)
    if application is not None:
        form = application.service_version.template_version.parsed_form
        fields = [
            name
            for name, value in application.data.items()
            if isinstance(value, dict) and value.get("id") == str(upload.pk) and form and form.field(name)
        ]
        access.record_officer_view(application, request.user, fields=fields)
    response = FileResponse(
        upload.file.open("rb"), content_type=upload.content_type, as_attachment=True, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
