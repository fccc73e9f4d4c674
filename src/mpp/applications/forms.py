from django import forms
from django.utils.translation import gettext_lazy as _

from .models import normalise_tracking_number


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Nomor permohonan"),
        max_length=40,
        help_text=_("Tertera di tanda terima, misalnya 6472-2611-7KQ3XZ9M."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    nik_last4 = forms.RegexField(
        label=_("4 angka terakhir NIK pemohon"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Isikan tepat 4 angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
    )

    def clean_tracking_number(self):
        return normalise_tracking_number(self.cleaned_data["tracking_number"])
