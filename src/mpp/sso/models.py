"""Agency systems registered as OpenID Connect clients, and what each citizen agreed to share with them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication, ApplicationManager

from mpp.core.models import TimeStampedModel

from .claims import SCOPES
from .scopes import API_SCOPES


def default_allowed_scopes() -> list[str]:
    return ["openid"]


class AgencyClient(AbstractApplication):
    """An agency system that signs citizens in through us, or calls our API (``OAUTH2_PROVIDER_APPLICATION_MODEL``).

    Registered by the ministry in the admin. Always a confidential client (a server that keeps
    its secret), of one of two kinds: a sign-in client uses the authorization code flow with
    PKCE, its ID tokens signed with RS256, and asks for OpenID Connect scopes (``openid``
    required); a system client (an agency's back office posting status updates,
    ``applications.ExternalSystem``) uses client credentials and asks for API scopes only
    (``scopes.API_SCOPES``). It may ask only for the scopes in ``allowed_scopes``.
    """

    agency_name = models.CharField(
        _("nama instansi"), max_length=200, help_text=_("Ditampilkan kepada warga di layar persetujuan.")
    )
    allowed_scopes = models.JSONField(
        _("data yang boleh diminta"), default=default_allowed_scopes, help_text=_("Cakupan (scope) OpenID Connect.")
    )
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Klien nonaktif tidak dapat memulai masuk atau memakai tokennya.")
    )
    # Defaults narrowed from django-oauth-toolkit's: the only kind of client we register.
    client_type = models.CharField(
        _("jenis klien"),
        max_length=32,
        choices=AbstractApplication.CLIENT_TYPES,
        default=AbstractApplication.CLIENT_CONFIDENTIAL,
    )
    authorization_grant_type = models.CharField(
        _("jenis grant"),
        max_length=44,
        choices=AbstractApplication.GRANT_TYPES,
        default=AbstractApplication.GRANT_AUTHORIZATION_CODE,
    )
    algorithm = models.CharField(
        _("algoritme tanda tangan"),
        max_length=5,
        choices=AbstractApplication.ALGORITHM_TYPES,
        default=AbstractApplication.RS256_ALGORITHM,
        blank=True,
    )

    objects = ApplicationManager()

    class Meta:
        ordering = ["agency_name", "name"]
        verbose_name = _("sistem instansi (klien SSO)")
        verbose_name_plural = _("sistem instansi (klien SSO)")

    def __str__(self):
        return f"{self.name} ({self.agency_name})" if self.agency_name else super().__str__()

    def redirect_uri_allowed(self, uri: str) -> bool:
        """A confidential (web) client's redirect URIs match exactly, port included (RFC 9700 2.1); only a native
        client may use any port on a loopback address (RFC 8252 7.3, django-oauth-toolkit's rule)."""
        if self.client_type == self.CLIENT_CONFIDENTIAL:
            return uri in self.redirect_uris.split()
        return super().redirect_uri_allowed(uri)

    def post_logout_redirect_uri_allowed(self, uri: str) -> bool:
        if self.client_type == self.CLIENT_CONFIDENTIAL:
            return uri in self.post_logout_redirect_uris.split()
        return super().post_logout_redirect_uri_allowed(uri)

    def natural_key(self):
        return (self.client_id,)

    def clean(self):
        errors = {}
        system_client = self.authorization_grant_type == self.GRANT_CLIENT_CREDENTIALS
        catalogue = API_SCOPES if system_client else SCOPES
        unknown = [scope for scope in self.allowed_scopes or [] if scope not in catalogue]
        if not isinstance(self.allowed_scopes, list) or unknown:
            errors["allowed_scopes"] = _("Cakupan tidak dikenal: %(scopes)s.") % {
                "scopes": ", ".join(map(str, unknown))
            }
        elif system_client and not self.allowed_scopes:
            errors["allowed_scopes"] = _("Klien sistem memerlukan sedikitnya satu cakupan API.")
        elif not system_client and "openid" not in self.allowed_scopes:
            errors["allowed_scopes"] = _("Cakupan openid wajib: tanpa itu sistem instansi tidak dapat masuk.")
        if self.client_type != self.CLIENT_CONFIDENTIAL:
            errors["client_type"] = _("Sistem instansi harus klien rahasia (confidential).")
        if self.authorization_grant_type not in (self.GRANT_AUTHORIZATION_CODE, self.GRANT_CLIENT_CREDENTIALS):
            errors["authorization_grant_type"] = _(
                "Hanya authorization code (dengan PKCE) atau client credentials yang diizinkan."
            )
        # A system client gets no ID token (no openid scope): RS256 (the default) or none.
        if self.algorithm != self.RS256_ALGORITHM and not (system_client and self.algorithm == self.NO_ALGORITHM):
            errors["algorithm"] = _("ID token ditandatangani dengan RS256.")
        try:
            super().clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, messages)
        if errors:
            raise ValidationError(errors)

    def is_usable(self, request):
        return self.is_active


class Consent(TimeStampedModel):
    """A citizen's agreement that a client may receive the data of ``scopes``.

    At most one open consent per citizen and client: a request for the same or fewer
    scopes is approved without asking again; more scopes ask again and widen it. Revoking
    closes it (``revoked_at``) and revokes the client's tokens; a later approval opens a new one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_consents")
    client = models.ForeignKey(AgencyClient, on_delete=models.CASCADE, related_name="consents")
    scopes = models.JSONField(_("cakupan"), default=list)
    granted_at = models.DateTimeField(_("disetujui pada"))
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("persetujuan SSO")
        verbose_name_plural = _("persetujuan SSO")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client"], condition=models.Q(revoked_at__isnull=True), name="one_open_consent"
            )
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="consent_user_open")]

    def __str__(self):
        return f"{self.user} → {self.client}"

    def covers(self, scopes) -> bool:
        return set(scopes) <= set(self.scopes)
