"""Agency clients and their tokens: the ministry's, invisible to MPP managers.

django-oauth-toolkit registers its models (and our ``AgencyClient``) with admins that follow
Django's per-model permissions; importing its admin module first and re-registering here
replaces them with ministry-only ones, whichever of the two modules is imported first.
"""

from django.contrib import admin
from oauth2_provider import admin as dot_admin
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from mpp.core.admin import MinistryAdmin

from .forms import AgencyClientAdminForm
from .models import AgencyClient, Consent


class AgencyClientAdmin(MinistryAdmin):
    form = AgencyClientAdminForm
    list_display = ["name", "agency_name", "client_id", "scopes", "is_active", "created"]
    list_filter = ["is_active"]
    search_fields = ["name", "agency_name", "client_id"]

    @admin.display(description="cakupan")
    def scopes(self, obj):
        return " ".join(obj.allowed_scopes)

    def get_readonly_fields(self, request, obj=None):
        # The secret is shown once, when the client is created; afterwards only its hash is stored.
        return ["client_id", "client_secret"] if obj is not None else []


class AccessTokenAdmin(dot_admin.AccessTokenAdmin, MinistryAdmin):
    pass


class RefreshTokenAdmin(dot_admin.RefreshTokenAdmin, MinistryAdmin):
    pass


class IDTokenAdmin(dot_admin.IDTokenAdmin, MinistryAdmin):
    pass


class GrantAdmin(dot_admin.GrantAdmin, MinistryAdmin):
    pass


for model, model_admin in [
    (AgencyClient, AgencyClientAdmin),
    (get_access_token_model(), AccessTokenAdmin),
    (get_refresh_token_model(), RefreshTokenAdmin),
    (get_id_token_model(), IDTokenAdmin),
    (get_grant_model(), GrantAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)


@admin.register(Consent)
class ConsentAdmin(MinistryAdmin):
    list_display = ["user", "client", "granted_at", "revoked_at"]
    list_select_related = ["user", "client"]
    list_filter = ["client"]
    readonly_fields = ["user", "client", "scopes", "granted_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # only the citizen gives consent

    def has_change_permission(self, request, obj=None):
        return False
