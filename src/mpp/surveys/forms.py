"""The survey's forms: the questionnaire, a kiosk code, the period picker and the follow-up plan."""

import datetime as dt
import functools

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import periods
from .models import CODE_LENGTH, ActionStatus, normalise_code
from .questionnaire import ELEMENTS, SUGGESTION_LENGTH, AgeBand, Education, Gender, Occupation

PICK_ONE = _("Pilih salah satu jawaban.")


class Fixed:
    """A field whose choices, widget and messages never change once declared: every form shares it instead of
    deep-copying it (Django copies each declared field for each form; for the questionnaire's thirteen choice
    fields that copy was a third of what answering at the kiosk cost). Never set its choices per form."""

    def __deepcopy__(self, memo):
        memo[id(self)] = self
        return self


class FixedChoiceField(Fixed, forms.ChoiceField):
    pass


class FixedTypedChoiceField(Fixed, forms.TypedChoiceField):
    pass


def _question(element) -> forms.TypedChoiceField:
    return FixedTypedChoiceField(
        label=element.question,
        choices=[(str(value), answer) for value, answer in enumerate(element.answers, start=1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": PICK_ONE, "invalid_choice": PICK_ONE},
    )


#: The nine questions as a form of their own, declared once when the module loads (building them per request
#: was a sixth of what the kiosk's answer cost).
Questions = type("Questions", (forms.Form,), {"__module__": __name__} | {e.field: _question(e) for e in ELEMENTS})


class SurveyForm(Questions):
    """Nine questions, each a group of four large radio buttons (a fieldset named by the question), then the
    optional profile and suggestion. Field ``u1`` … ``u9`` holds the value 1 to 4."""

    gender = FixedChoiceField(
        label=_("Jenis kelamin"), choices=Gender.choices, widget=forms.RadioSelect, required=False
    )
    age_band = FixedChoiceField(label=_("Usia"), choices=[("", _("— tidak diisi —")), *AgeBand.choices], required=False)
    education = FixedChoiceField(
        label=_("Pendidikan terakhir"), choices=[("", _("— tidak diisi —")), *Education.choices], required=False
    )
    occupation = FixedChoiceField(
        label=_("Pekerjaan"), choices=[("", _("— tidak diisi —")), *Occupation.choices], required=False
    )
    suggestion = forms.CharField(
        label=_("Saran dan masukan"),
        help_text=_("Tidak wajib. Jangan menuliskan nama, NIK, atau nomor telepon."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SUGGESTION_LENGTH,
        required=False,
        error_messages={"max_length": _("Saran paling banyak %(limit_value)d karakter.")},
    )

    def questions(self):
        """The nine questions as bound fields, each with its element, in the regulation's order."""
        return [(element, self[element.field]) for element in ELEMENTS]

    def profile(self):
        return [self[name] for name in ("gender", "age_band", "education", "occupation")]


class OpenSurveyForm(SurveyForm):
    """The public survey: the same questions, about one of the region's services or the MPP as a whole."""

    service = forms.ChoiceField(label=_("Layanan yang Anda nilai"), required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("MPP secara umum")), *services]
        self.fields = {"service": self.fields.pop("service"), **self.fields}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode survei"),
        help_text=_("6 huruf dan angka dari petugas loket, misalnya 7KQ3XZ."),
        max_length=20,
        error_messages={"required": _("Tuliskan kode survei Anda.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("Kode survei terdiri dari 6 huruf dan angka."))
        return code


class PeriodForm(forms.Form):
    """The period picker of the index pages (GET): the last twelve months unless another is chosen."""

    periode = forms.ChoiceField(label=_("Periode"), required=False)

    def __init__(self, data=None, *, today: dt.date | None = None):
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["periode"].choices = _period_choices(self.today, get_language())
        self.fields["periode"].error_messages["invalid_choice"] = _("Pilih periode dari daftar.")

    @property
    def period(self) -> periods.Period:
        """The chosen period (valid form), or the default."""
        code = (self.cleaned_data.get("periode") if self.is_bound and self.is_valid() else "") or periods.ROLLING
        return periods.parse(code, self.today)


@functools.lru_cache(maxsize=16)
def _period_choices(today: dt.date, language: str) -> list[tuple[str, str]]:
    """The picker's options of a day in a language: the same for every request of that day."""
    return [(period.code, period.label()) for period in periods.choices(today)]


class ActionForm(forms.Form):
    """One action of the follow-up plan."""

    period = forms.ChoiceField(label=_("Periode survei"))
    element = forms.ChoiceField(label=_("Unsur yang ditindaklanjuti"))
    action = forms.CharField(
        label=_("Tindak lanjut"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan tindak lanjutnya.")},
    )
    unit = forms.CharField(
        label=_("Penanggung jawab"),
        max_length=200,
        help_text=_("Unit atau jabatan, misalnya Disdukcapil · Kepala Bidang Pelayanan."),
        error_messages={"required": _("Tuliskan unit penanggung jawabnya.")},
    )
    target_date = forms.DateField(
        label=_("Target selesai"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Isi tanggal target."), "invalid": _("Tulis tanggal sebagai TTTT-BB-HH.")},
    )

    def __init__(self, *args, today: dt.date, element_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].choices = [(period.code, period.label()) for period in periods.plan_choices(today)]
        self.fields["element"].choices = element_choices

    def clean_target_date(self):
        value = self.cleaned_data["target_date"]
        if value < self.today - dt.timedelta(days=366) or value > self.today + dt.timedelta(days=3 * 366):
            raise forms.ValidationError(_("Pilih tanggal dalam tiga tahun ke depan."))
        return value

    @property
    def chosen_period(self) -> periods.Period:
        return periods.parse(self.cleaned_data["period"], self.today)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
