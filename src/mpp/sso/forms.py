from django import forms
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm

from .claims import SCOPES
from .models import AgencyClient


class ConsentForm(AllowForm):
    """The consent screen's form: DOT's hidden authorization request, plus the acr it asked for."""

    acr_values = forms.CharField(required=False, widget=forms.HiddenInput())


class AgencyClientAdminForm(forms.ModelForm):
    allowed_scopes = forms.MultipleChoiceField(
        label=_("Data yang boleh diminta"),
        choices=[(name, f"{name} — {scope.data}") for name, scope in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=["openid"],
        help_text=_("Warga tetap diminta persetujuannya; klien hanya boleh meminta cakupan yang dicentang di sini."),
    )

    class Meta:
        model = AgencyClient
        fields = [
            "name",
            "agency_name",
            "client_id",
            "client_secret",
            "redirect_uris",
            "post_logout_redirect_uris",
            "allowed_scopes",
            "is_active",
        ]
        help_texts = {
            "client_secret": _(
                "Salin sekarang dan serahkan kepada instansi melalui saluran aman: "
                "rahasia disimpan ter-hash dan tidak dapat ditampilkan lagi."
            ),
            "redirect_uris": _("Alamat callback persis (https), dipisah spasi atau baris baru."),
            "post_logout_redirect_uris": _("Alamat tujuan setelah keluar (https), dipisah spasi atau baris baru."),
        }
