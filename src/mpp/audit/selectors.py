from django.db.models import QuerySet

from .models import DataAccess


def data_uses_about(nik: str) -> QuerySet[DataAccess]:
    """Every recorded use of a person's data, newest first (the citizen's "who used my data")."""
    return DataAccess.objects.filter(subject_nik=nik).select_related("actor").order_by("-created_at")
