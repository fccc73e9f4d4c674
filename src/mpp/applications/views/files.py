"""Uploaded files, handed out only to whom they concern: never served from MEDIA_ROOT directly."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .. import access, selectors


@login_required
@require_GET
def download(request, upload_id):
    """The file, to its owner, or to an officer of the agency handling the application that uses it
    (that access is recorded for the citizen). Anyone else: 404, as if it did not exist."""
    upload = selectors.upload_for(request.user, upload_id)
    if upload is None:
        raise Http404
    if upload.owner_id != request.user.pk:
        form = upload.application.service_version.template_version.parsed_form
        fields = [
            name
            for name, value in upload.application.data.items()
            if isinstance(value, dict) and value.get("id") == str(upload.pk) and form and form.field(name)
        ]
        access.record_officer_view(upload.application, request.user, fields=fields)
    response = FileResponse(
        upload.file.open("rb"), content_type=upload.content_type, as_attachment=True, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
