from django import forms
from django.utils.translation import gettext_lazy as _


class RegionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari kabupaten/kota"),
        min_length=2,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("mis. Samarinda"), "autocomplete": "off", "type": "search"}),
    )
