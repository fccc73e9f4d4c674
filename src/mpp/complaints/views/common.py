"""What the reporter's and the officers' pages share: an attachment handed out to whom it concerns."""

from django.http import FileResponse, Http404


def attachment_response(complaint, attachment_id: int) -> FileResponse:
    attachment = complaint.attachments.select_related("upload").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    upload = attachment.upload
    response = FileResponse(
        upload.file.open("rb"), content_type=upload.content_type, as_attachment=True, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
