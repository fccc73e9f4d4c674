"""The form a citizen fills to pay another system's bill: which system, which number."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import Revenue

SYSTEM_CHOICES = [
    (Revenue.PBB, gettext_lazy("PBB-P2 (Pajak Bumi dan Bangunan), Kota Samarinda")),
    (Revenue.PDAM, gettext_lazy("Air minum (Perumda Tirta Kencana), Kota Samarinda")),
]


class BillerForm(forms.Form):
    system = forms.ChoiceField(
        label=gettext_lazy("Tagihan"),
        choices=SYSTEM_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Pilih jenis tagihan."),
            "invalid_choice": gettext_lazy("Pilih jenis tagihan dari daftar."),
        },
    )
    number = forms.CharField(
        label=gettext_lazy("Nomor objek pajak (NOP) atau nomor pelanggan"),
        max_length=30,
        help_text=gettext_lazy("NOP 18 angka, mis. 64.72.010.001.002-0123.0; nomor pelanggan PDAM 10 angka."),
        error_messages={"required": gettext_lazy("Tulis NOP atau nomor pelanggan.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_number(self):
        return "".join(ch for ch in self.cleaned_data["number"] if ch.isdigit())
