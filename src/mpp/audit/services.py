"""Recording uses of personal data. Called by every adapter and view that touches it."""

from .models import AccessKind, DataAccess


def record_data_access(
    *,
    subject_nik: str,
    kind: AccessKind,
    actor_label: str,
    purpose: str,
    actor=None,
    fields: list[str] | None = None,
    outcome: str = "",
    on_behalf_of_nik: str = "",
) -> DataAccess:
    """Append one record of a use of ``subject_nik``'s data. Never raises on content; returns the row.

    Runs in the caller's transaction when there is one, so a rolled-back use is not shown,
    and on its own otherwise (a registry call that failed is still a use worth showing).
    """
    return DataAccess.objects.create(
        subject_nik=subject_nik,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label[:200],
        purpose=purpose[:300],
        fields=sorted(fields or []),
        outcome=outcome[:60],
        on_behalf_of_nik=on_behalf_of_nik,
    )
