from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as SchemaError

from mpp.core.admin import MinistryAdmin, RegionScopedAdmin, RegionScopedInline
from mpp.core.errors import DomainError

from . import services
from .models import (
    Agency,
    AgencyKind,
    Counter,
    Mpp,
    Service,
    ServiceTemplate,
    ServiceVersion,
    TemplateVersion,
)


@admin.register(AgencyKind)
class AgencyKindAdmin(MinistryAdmin):
    list_display = ["short_name", "name", "is_vertical"]
    search_fields = ["name", "short_name"]


class TemplateVersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ["number", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceTemplate)
class ServiceTemplateAdmin(MinistryAdmin):
    list_display = ["name", "agency_kind", "mode", "assurance_level"]
    list_filter = ["mode", "agency_kind"]
    search_fields = ["name", "name_en", "keywords"]
    readonly_fields = ["current_version"]
    inlines = [TemplateVersionInline]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(MinistryAdmin):
    list_display = ["template", "number", "note", "created_at"]
    readonly_fields = ["template", "number", "standard", "note"]

    def has_add_permission(self, request):
        return False


@admin.register(Agency)
class AgencyAdmin(RegionScopedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["kind", "region"]


class CounterInline(RegionScopedInline):
    model = Counter
    scoped_foreign_keys = {"agency": "region"}


@admin.register(Mpp)
class MppAdmin(RegionScopedAdmin):
    list_display = ["name", "region", "digital_stage"]
    list_select_related = ["region"]
    list_filter = ["digital_stage"]
    search_fields = ["name"]
    inlines = [CounterInline]


class ServiceVersionInline(admin.TabularInline):
    model = ServiceVersion
    fields = ["number", "note", "changed_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class ServiceAdjustmentForm(forms.ModelForm):
    """A region's adjustments, saved as a new version by catalog.services.adjust_service."""

    fee_amount = forms.IntegerField(label=_("Biaya (rupiah)"), min_value=0, required=False)
    fee_note = forms.CharField(label=_("Keterangan biaya"), required=False, max_length=300)
    location = forms.CharField(label=_("Lokasi layanan"), required=False, max_length=300)
    duration_days = forms.IntegerField(label=_("Jangka waktu (hari kerja)"), min_value=0, max_value=365, required=False)
    note = forms.CharField(label=_("Catatan perubahan"), max_length=300, required=False)

    class Meta:
        model = Service
        fields = ["agency", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.current_version_id:
            adjustments = self.instance.current_version.adjustments
            fee = adjustments.get("fee") or {}
            self.initial.update(
                fee_amount=fee.get("amount"),
                fee_note=fee.get("note", ""),
                location=adjustments.get("location", ""),
                duration_days=adjustments.get("duration_days"),
            )

    def adjustments(self) -> dict:
        data = self.cleaned_data
        result = dict(self.instance.current_version.adjustments) if self.instance.current_version_id else {}
        for key in ("location", "duration_days"):
            if data.get(key) not in (None, ""):
                result[key] = data[key]
            else:
                result.pop(key, None)
        if data.get("fee_amount") is not None:
            result["fee"] = {"amount": data["fee_amount"], "note": data.get("fee_note", "")}
        else:
            result.pop("fee", None)
        return result


@admin.register(Service)
class ServiceAdmin(RegionScopedAdmin):
    form = ServiceAdjustmentForm
    list_display = ["template", "region", "agency", "is_active", "version_number"]
    list_filter = ["is_active", "template__agency_kind"]
    list_select_related = ["template", "region", "agency", "current_version"]
    search_fields = ["template__name"]
    scoped_foreign_keys = {"agency": "region"}
    readonly_fields = ["template", "region"]
    inlines = [ServiceVersionInline]

    @admin.display(description=_("versi"))
    def version_number(self, obj):
        return obj.current_version.number if obj.current_version_id else None

    def has_add_permission(self, request, obj=None):
        return False  # services are offered from national templates, not created blank

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        adjustments = form.adjustments()
        if adjustments != obj.current_version.adjustments:
            try:
                services.adjust_service(
                    service=obj, adjustments=adjustments, by=request.user, note=form.cleaned_data["note"]
                )
            except (DomainError, SchemaError) as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
