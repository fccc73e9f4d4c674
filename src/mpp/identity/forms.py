from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.files.checks import validate_image
from mpp.registry.nik import validate_nik

CHALLENGES = [
    ("blink", _("Kedipkan mata beberapa kali")),
    ("turn_left", _("Tolehkan kepala perlahan ke kiri")),
    ("turn_right", _("Tolehkan kepala perlahan ke kanan")),
]


class NikField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("NIK"))
        kwargs.setdefault("min_length", 16)
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", _("16 digit, sesuai KTP-el atau KK."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"})

    def clean(self, value):
        value = super().clean(value)
        return validate_nik(value).value if value else value


class RegistrationForm(forms.Form):
    nik = NikField()
    name = forms.CharField(label=_("Nama lengkap"), max_length=150, help_text=_("Sesuai KTP-el."))
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label=_("Alamat surel"), help_text=_("Kode konfirmasi dikirim ke sini."))
    phone = forms.RegexField(
        label=_("Nomor telepon (opsional)"),
        regex=r"^(\+62|0)8[0-9]{7,12}$",
        required=False,
        error_messages={"invalid": _("Nomor telepon seluler Indonesia, mis. 081234567890.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        min_length=10,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 10 karakter; jangan memakai tanggal lahir atau NIK."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    #: Fields kept in the session when the registry is down, so the citizen can resume (never passwords).
    RESUMABLE = ("nik", "name", "birth_date", "email", "phone")

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate() or born < date(1900, 1, 1):
            raise ValidationError(_("Tanggal lahir tidak valid."))
        return born

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data


class LoginForm(forms.Form):
    # Citizens sign in with their NIK or e-mail, officers with the username their MPP gave them.
    username = forms.CharField(label=_("NIK, e-mail, atau nama pengguna"), max_length=254)
    password = forms.CharField(
        label=_("Kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode 6 digit"),
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": _("Masukkan 6 digit angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Alamat surel"))
    phone = RegistrationForm.base_fields["phone"]
    phone_channel = forms.ChoiceField(
        label=_("Pemberitahuan ke ponsel lewat"),
        choices=[("sms", "SMS"), ("whatsapp", "WhatsApp")],
        initial="sms",
        required=False,
    )


class FaceForm(forms.Form):
    """3–8 photos taken in order while following the challenge (which the server chose and keeps)."""

    def __init__(self, *args, files=None, **kwargs):
        super().__init__(*args, files=files, **kwargs)
        self.frame_files = files.getlist("frames") if files is not None else []

    def clean(self):
        data = super().clean()
        if not 3 <= len(self.frame_files) <= 8:
            raise ValidationError(_("Kirim 3 sampai 8 foto wajah yang diambil berurutan."))
        data["frames"] = [validate_image(f) for f in self.frame_files]
        return data


class DelegationForm(forms.Form):
    grantee_nik = NikField(label=_("NIK penerima kuasa"))
    purpose = forms.CharField(label=_("Keperluan"), max_length=200)
    valid_until = forms.DateField(label=_("Berlaku sampai"), widget=forms.DateInput(attrs={"type": "date"}))
