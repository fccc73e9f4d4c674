from django.contrib import admin

from mpp.core.admin import ReadOnlyMinistryAdmin

from .models import Region, RegionDataset


@admin.register(Region)
class RegionAdmin(ReadOnlyMinistryAdmin):
    list_display = ["code", "name", "kind", "time_zone", "is_pilot"]
    list_filter = ["level", "is_pilot", "time_zone"]
    search_fields = ["=code", "name"]
    show_full_result_count = False


@admin.register(RegionDataset)
class RegionDatasetAdmin(ReadOnlyMinistryAdmin):
    list_display = [
        "source",
        "version",
        "legal_basis",
        "provinces",
        "regencies",
        "districts",
        "villages",
        "created_at",
    ]
