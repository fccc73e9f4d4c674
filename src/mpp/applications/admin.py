"""External processing in the admin: the ministry registers agency systems, MPP managers choose which services forward.

An agency system is registered with its OAuth2 system client in one form, as the ministry
registers sign-in clients: the client secret is generated, shown once on the add form and
stored hashed. The webhook secret is stored as it is (we sign every delivery with it) and
stays readable on the system's page, for the ministry only; "new webhook secret" replaces it.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.generators import generate_client_id, generate_client_secret

from mpp.core.admin import MinistryAdmin, RegionScopedAdmin
from mpp.notifications import webhooks
from mpp.notifications.models import new_webhook_secret
from mpp.sso.models import AgencyClient

from . import forwarding
from .models import ExternalCase, ExternalSystem, Forwarding


class ExternalSystemForm(forms.ModelForm):
    """The system and its webhook endpoint (kept by the outbox, ``notifications.WebhookEndpoint``) in one form."""

    webhook_url = forms.URLField(label=_("alamat webhook"), max_length=200, assume_scheme="https")

    class Meta:
        model = ExternalSystem
        fields = ["name", "agency", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.webhook_id:
            self.fields["webhook_url"].initial = self.instance.webhook.url


class ExternalSystemAddForm(ExternalSystemForm):
    client_id = forms.CharField(label=_("client_id"), max_length=100, initial=generate_client_id)
    client_secret = forms.CharField(
        label=_("client_secret"),
        max_length=255,
        initial=generate_client_secret,
        help_text=_(
            "Salin sekarang dan serahkan kepada instansi melalui saluran aman: "
            "rahasia disimpan ter-hash dan tidak dapat ditampilkan lagi."
        ),
    )
    webhook_secret = forms.CharField(
        label=_("rahasia webhook"),
        max_length=100,
        initial=new_webhook_secret,
        help_text=_("Serahkan juga kepada instansi: sistemnya memeriksa tanda tangan webhook."),
    )

    def clean_client_id(self):
        client_id = self.cleaned_data["client_id"]
        if AgencyClient.objects.filter(client_id=client_id).exists():
            raise forms.ValidationError(_("client_id ini sudah dipakai."))
        return client_id

    def clean_webhook_secret(self):
        secret = self.cleaned_data["webhook_secret"]
        if not secret.startswith("whsec_"):
            raise forms.ValidationError(_("Rahasia webhook berawalan whsec_."))
        return secret


@admin.register(ExternalSystem)
class ExternalSystemAdmin(MinistryAdmin):
    form = ExternalSystemForm
    list_display = ["name", "agency", "webhook_url", "client_id", "is_active"]
    list_select_related = ["agency", "client", "webhook"]
    list_filter = ["is_active"]
    search_fields = ["name", "agency__name", "client__client_id"]
    actions = ["rotate_webhook_secret"]

    @admin.display(description="client_id")
    def client_id(self, obj):
        return obj.client.client_id

    @admin.display(description=_("alamat webhook"))
    def webhook_url(self, obj):
        return obj.webhook.url

    @admin.display(description=_("rahasia webhook"))
    def webhook_secret(self, obj):
        return obj.webhook.secret

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ExternalSystemAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "agency", "webhook_url", "client_id", "client_secret", "webhook_secret", "is_active"]
        return ["name", "agency", "webhook_url", "client_id", "webhook_secret", "is_active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["client_id", "webhook_secret", "created_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            if form.cleaned_data["webhook_url"] != obj.webhook.url:
                webhooks.move_endpoint(obj.webhook, url=form.cleaned_data["webhook_url"])
        else:
            obj.agency_kind = obj.agency.kind
            obj.client = forwarding.new_system_client(
                name=obj.name,
                agency_name=obj.agency.name,
                client_id=form.cleaned_data["client_id"],
                client_secret=form.cleaned_data["client_secret"],
                is_active=obj.is_active,
            )
            obj.webhook = webhooks.new_endpoint(
                url=form.cleaned_data["webhook_url"], secret=form.cleaned_data["webhook_secret"]
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Buat rahasia webhook baru"))
    def rotate_webhook_secret(self, request, queryset):
        for system in queryset.select_related("webhook"):
            webhooks.rotate_secret(system.webhook)
        self.message_user(
            request,
            _("Rahasia baru tampil di halaman sistem; serahkan kepada instansi. Pengiriman berikutnya memakainya."),
            messages.WARNING,
        )


@admin.register(Forwarding)
class ForwardingAdmin(RegionScopedAdmin):
    region_field = "service__region"
    scoped_foreign_keys = {"service": "region", "external_system": "agency__region"}
    list_display = ["service", "external_system", "created_at"]
    list_select_related = ["service__template", "service__region", "external_system"]
    search_fields = ["service__template__name", "external_system__name"]


@admin.register(ExternalCase)
class ExternalCaseAdmin(RegionScopedAdmin):
    """What went to which system, read-only; a delivery that failed for good can be sent again."""

    region_field = "application__region"
    list_display = ["application", "external_system", "forwarded_at", "external_reference"]
    list_select_related = ["application", "external_system"]
    list_filter = ["external_system"]
    search_fields = ["application__tracking_number", "external_reference"]
    readonly_fields = ["application", "external_system", "forwarded_at", "external_reference", "delivery"]
    actions = ["send_again"]

    @admin.display(description=_("pengiriman webhook"))
    def delivery(self, obj):
        message = forwarding.delivery_of(application_id=obj.application_id)
        if message is None:
            return "—"
        outcome = f"{message.get_status_display()} · {message.attempts}×"
        return f"{outcome} · {message.last_error}" if message.last_error else outcome

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Kirim ulang webhook yang gagal"))
    def send_again(self, request, queryset):
        count = sum(
            forwarding.send_again(application_id=pk) for pk in queryset.values_list("application_id", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d webhook dikirim ulang.", "%(count)d webhook dikirim ulang.", count) % {"count": count},
        )
