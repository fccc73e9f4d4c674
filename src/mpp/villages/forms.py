from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HeadKind, NeighbourhoodHead


class OfficeForm(forms.Form):
    """What a village changes of its region's village services; blank keeps the region's."""

    head_name = forms.CharField(label=_("Nama lurah/kepala desa"), max_length=120, required=False)
    address = forms.CharField(label=_("Alamat kantor"), max_length=300, required=False)
    phone = forms.CharField(label=_("Telepon kantor"), max_length=20, required=False)
    opens = forms.TimeField(label=_("Jam buka (Senin–Jumat)"), required=False)
    closes = forms.TimeField(label=_("Jam tutup (Senin–Jumat)"), required=False)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if bool(opens) != bool(closes):
            raise forms.ValidationError(_("Isi jam buka dan jam tutup, atau kosongkan keduanya."))
        if opens and closes and opens >= closes:
            self.add_error("closes", _("Jam tutup harus setelah jam buka."))
        return cleaned

    def changes(self, letters) -> dict:
        data = self.cleaned_data
        hours = []
        if data.get("opens"):
            hours = [{"days": [0, 1, 2, 3, 4], "opens": f"{data['opens']:%H:%M}", "closes": f"{data['closes']:%H:%M}"}]
        fees = {}
        for letter in letters:
            value = self.data.get(f"fee-{letter.slug}", "").strip()
            if value:
                fees[letter.slug] = int(value) if value.isdigit() else value
        return {
            "head_name": data["head_name"],
            "address": data["address"],
            "phone": data["phone"],
            "opening_hours": hours,
            "fees": fees,
        }


class HeadForm(forms.ModelForm):
    class Meta:
        model = NeighbourhoodHead
        fields = ["kind", "rw", "rt", "name", "phone", "channel"]
        help_texts = {"rt": _("Kosongkan untuk ketua RW.")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == HeadKind.RT and not cleaned.get("rt"):
            self.add_error("rt", _("Isi nomor RT untuk ketua RT."))
        return cleaned
