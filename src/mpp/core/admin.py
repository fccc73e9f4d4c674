"""Admin permissions by role and region, instead of Django's per-model permissions.

``RegionScopedAdmin``: what an MPP manager may see and change, limited to their
region on every page (list, change, add, delete, and the choices offered in
foreign-key fields). ``MinistryAdmin``: national data only the ministry touches.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .public_cache import invalidate_public_cache
from .tenancy import region_scope


class MinistryAdmin(admin.ModelAdmin):
    def _national(self, request) -> bool:
        return region_scope(request.user).is_national

    def has_module_permission(self, request):
        return self._national(request)

    def has_view_permission(self, request, obj=None):
        return self._national(request)

    def has_add_permission(self, request):
        return self._national(request)

    def has_change_permission(self, request, obj=None):
        return self._national(request)

    def has_delete_permission(self, request, obj=None):
        return self._national(request)


class ReadOnlyMinistryAdmin(MinistryAdmin):
    """Reference data loaded from packages: viewed in the admin, changed only by its loader."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegionScopedAdmin(admin.ModelAdmin):
    #: Path from this model to its kabupaten/kota foreign key.
    region_field = "region"
    #: Foreign keys whose choices must be limited to the user's regions, with their path to the region.
    scoped_foreign_keys: dict[str, str] = {}

    def _region_code(self, obj) -> str | None:
        value = obj
        for part in self.region_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value.pk

    def _allowed(self, request, obj=None) -> bool:
        scope = region_scope(request.user)
        if scope.is_empty:
            return False
        return obj is None or scope.allows(self._region_code(obj))

    def get_queryset(self, request):
        return region_scope(request.user).filter(super().get_queryset(request), self.region_field)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = region_scope(request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or scope.is_national:
            return field
        if db_field.name == "region" and db_field.related_model._meta.label == "regions.Region":
            field.queryset = scope.filter_regions(field.queryset).filter(level=2)
        elif db_field.name in self.scoped_foreign_keys:
            field.queryset = scope.filter(field.queryset, self.scoped_foreign_keys[db_field.name])
        return field

    def save_model(self, request, obj, form, change):
        # The form only offers allowed choices; this guards a crafted POST all the same.
        if not self._allowed(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        transaction.on_commit(invalidate_public_cache)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(invalidate_public_cache)


class RegionScopedInline(admin.TabularInline):
    """An inline inside a region-scoped admin: its parent already passed the region check."""

    scoped_foreign_keys: dict[str, str] = {}
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        scope = region_scope(request.user)
        if field is not None and db_field.name in self.scoped_foreign_keys:
            field.queryset = scope.filter(field.queryset, self.scoped_foreign_keys[db_field.name])
        return field

    def has_view_permission(self, request, obj=None):
        return not region_scope(request.user).is_empty

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission
