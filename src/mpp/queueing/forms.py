"""The queue's forms: the slot a citizen books or moves to, and the MPP manager's capacities, day changes,
policy and board announcement. They check the shape of the input; the rules themselves (``bookings``,
``rules``) decide whether it may be done, and say why not."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.catalog.models import Mpp, Service

from .models import Policy
from .rules import ANNOUNCEMENT_LENGTH, MAX_PER_SLOT, POLICY_LIMITS, REASON_LENGTH

PICK_SERVICE = _("Pilih layanan dari daftar.")
PICK_DAY = _("Pilih hari dari daftar.")
PICK_SLOT = _("Pilih salah satu slot yang masih tersedia.")


class SlotForm(forms.Form):
    """A slot to book or move a booking to: its day and its start, in the MPP's local time."""

    hari = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"required": PICK_DAY, "invalid": PICK_DAY})
    mulai = forms.TimeField(input_formats=["%H:%M"], error_messages={"required": PICK_SLOT, "invalid": PICK_SLOT})

    def __init__(self, *args, mpp: Mpp, **kwargs):
        super().__init__(*args, **kwargs)
        self.mpp = mpp

    @property
    def starts_at(self) -> dt.datetime:
        """The chosen slot's start (aware, in the region's zone); only once the form is valid."""
        zone = ZoneInfo(self.mpp.region.time_zone)
        return dt.datetime.combine(self.cleaned_data["hari"], self.cleaned_data["mulai"], zone)


def parse_day(text: str) -> dt.date | None:
    """A day as the pages write it (2026-12-07), or None."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


class CapacityForm(forms.Form):
    """One number per service the MPP serves: how many bookings each of its slots takes (0: none)."""

    def __init__(self, *args, services: list[Service], capacities: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = services
        for service in services:
            self.fields[self.name_of(service)] = forms.IntegerField(
                label=service.template.name,
                min_value=0,
                max_value=MAX_PER_SLOT,
                initial=capacities.get(service.pk, 0),
                error_messages={"required": _("Isi 0 bila layanan ini tidak dapat dipesan.")},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def name_of(service: Service) -> str:
        return f"layanan_{service.pk.hex}"

    def rows(self) -> list[tuple[Service, forms.BoundField]]:
        return [(service, self[self.name_of(service)]) for service in self.services]

    def changed(self) -> list[tuple[Service, int]]:
        """The services whose number differs from the one saved, with their new number."""
        return [
            (service, self.cleaned_data[self.name_of(service)])
            for service in self.services
            if self.cleaned_data[self.name_of(service)] != self.fields[self.name_of(service)].initial
        ]


class DayChangeForm(forms.Form):
    """A day the MPP closes (both hours empty) or keeps other hours, with the reason the public reads."""

    day = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    opens = forms.TimeField(
        label=_("Jam buka"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes = forms.TimeField(
        label=_("Jam tutup"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Kosongkan jam buka dan jam tutup untuk menutup MPP sepanjang hari itu."),
    )
    reason = forms.CharField(
        label=_("Alasan (dibaca warga)"),
        max_length=REASON_LENGTH,
        error_messages={"required": _("Tuliskan alasannya: warga membacanya saat memesan.")},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["day"].widget.attrs["min"] = today.isoformat()

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError(_("Hari yang sudah lewat tidak dapat diubah."))
        return day

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if (opens is None) != (closes is None) and not self.has_error("opens") and not self.has_error("closes"):
            self.add_error(
                "closes" if closes is None else "opens",
                _("Isi jam buka dan jam tutup, atau kosongkan keduanya untuk menutup MPP hari itu."),
            )
        elif opens is not None and closes is not None and not opens < closes:
            self.add_error("closes", _("Jam tutup harus sesudah jam buka."))
        return data


class RestoreDayForm(forms.Form):
    day = forms.DateField(input_formats=["%Y-%m-%d"])


class PolicyForm(forms.Form):
    """The queue's rules, each within the range ``rules.set_policy`` accepts."""

    def __init__(self, *args, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in POLICY_LIMITS.items():
            self.fields[name] = forms.IntegerField(
                label=Policy._meta.get_field(name).verbose_name,
                min_value=low,
                max_value=high,
                initial=getattr(policy, name),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )


class AnnouncementForm(forms.Form):
    text = forms.CharField(
        label=_("Pengumuman di layar antrean"),
        max_length=ANNOUNCEMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Paling banyak 200 karakter; kosongkan untuk menghapusnya. Layar menampilkannya seketika."),
    )
