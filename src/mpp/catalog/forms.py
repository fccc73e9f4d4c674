from django import forms
from django.utils.translation import gettext_lazy as _


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari layanan"),
        min_length=2,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("mis. akta kelahiran"), "type": "search"}),
    )
    regency_code = forms.RegexField(
        regex=r"^\d{2}\.\d{2}$", required=False, widget=forms.HiddenInput, label=_("Kabupaten/kota")
    )
