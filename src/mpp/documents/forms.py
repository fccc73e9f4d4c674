from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import DocumentType


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas PDF yang akan diperiksa"),
        help_text=_("PDF yang diterbitkan MPP Digital, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.VERIFY_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar: paling besar 10 MB."))
        return uploaded


class VaultUploadForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Jenis dokumen"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Judul (boleh dikosongkan)"), max_length=160, required=False)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("PDF, JPEG atau PNG, paling besar 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan alasan pencabutan.")},
    )
    #: The officer's "I understand" that the document stops being valid for whoever checks it.
    confirm = forms.BooleanField(
        label=_("Saya mengerti dokumen ini tidak berlaku lagi bagi siapa pun yang memeriksanya."),
        error_messages={"required": _("Dokumen belum dicabut: centang pernyataan bahwa Anda mengerti akibatnya.")},
    )
