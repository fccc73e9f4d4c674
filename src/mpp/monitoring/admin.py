"""Monev in the admin: viewed by the ministry, never edited there (every change is a service's, with history)."""

from django.contrib import admin

from mpp.core.admin import ReadOnlyMinistryAdmin

from .models import Reminder, Report, ReportChange, ReportingRound


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyMinistryAdmin):
    list_display = ["title", "period_start", "period_end", "deadline", "created_at"]
    search_fields = ["title"]


class ReportChangeInline(admin.TabularInline):
    model = ReportChange
    extra = 0
    can_delete = False
    fields = ["at", "actor_label", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyMinistryAdmin):
    list_display = ["reporting_round", "region", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late"]
    list_select_related = ["reporting_round", "region"]
    search_fields = ["=region__code", "region__name"]
    inlines = [ReportChangeInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMinistryAdmin):
    list_display = ["reporting_round", "region", "kind", "sent_at", "recipients"]
    list_select_related = ["reporting_round", "region"]
