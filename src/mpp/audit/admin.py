from django.contrib import admin

from mpp.core.admin import ReadOnlyMinistryAdmin

from .models import DataAccess


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyMinistryAdmin):
    list_display = ["created_at", "kind", "actor_label", "purpose", "outcome"]
    list_filter = ["kind"]
    search_fields = ["=subject_nik"]
    show_full_result_count = False
