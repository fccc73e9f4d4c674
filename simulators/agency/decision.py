"""What SIAK decides about a forwarded application, and the notes the citizen reads.

Every case is approved unless its form asks for a rejection (`"simulate_reject": true`,
for demos and tests) or it falls within the configured reject rate. With a seed the
draw is a hash of the seed and the tracking number, so a case gets the same decision
whatever order the workers take the cases in.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping

from .store import NewUpdate

IN_PROCESS_NOTE = (
    "Permohonan Anda telah diterima dan sedang diverifikasi oleh petugas Dinas Kependudukan dan Pencatatan Sipil."
)
REJECTED_NOTE = (
    "Permohonan ditolak: dokumen persyaratan tidak lengkap atau tidak sesuai dengan data kependudukan. "
    "Silakan periksa kembali dokumen Anda dan ajukan permohonan baru."
)
# Archive classification codes that start Disdukcapil registration numbers
# (Permendagri 78/2012: 474.1 births; 470 population affairs in general).
_CLASSIFICATION = {"akta-kelahiran": "474.1"}
_DEFAULT_CLASSIFICATION = "470"


def is_rejected(application: Mapping[str, object], *, reject_rate: float, seed: int | None) -> bool:
    form = application.get("form")
    if isinstance(form, Mapping) and form.get("simulate_reject") is True:
        return True
    if not reject_rate:
        return False
    if seed is None:
        return random.random() < reject_rate
    digest = hashlib.sha256(f"{seed}:{application['tracking_number']}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < reject_rate


def classification(application: Mapping[str, object]) -> str:
    service = application.get("service")
    code = service.get("code") if isinstance(service, Mapping) else None
    return _CLASSIFICATION.get(code, _DEFAULT_CLASSIFICATION) if isinstance(code, str) else _DEFAULT_CLASSIFICATION


def registration_number(prefix: str, sequence: int, year: int) -> str:
    """A SIAK registration number such as 474.1/00042/DISDUKCAPIL/2026."""
    return f"{prefix}/{sequence:05d}/DISDUKCAPIL/{year}"


def approval(application: Mapping[str, object], reference: str) -> list[NewUpdate]:
    """The status updates of an approved case, in the order the platform must see them."""
    service = application.get("service")
    name = service.get("name") if isinstance(service, Mapping) else None
    what = f"Permohonan {name.strip()} Anda" if isinstance(name, str) and name.strip() else "Permohonan Anda"
    note = (
        f"{what} telah disetujui dengan nomor registrasi {reference}. "
        "Dokumen dapat diunduh melalui MPP Digital atau diambil di kantor Disdukcapil."
    )
    return [NewUpdate("in_process", IN_PROCESS_NOTE), NewUpdate("approved", note, reference)]


def rejection() -> list[NewUpdate]:
    """The status updates of a rejected case, in order."""
    return [NewUpdate("in_process", IN_PROCESS_NOTE), NewUpdate("rejected", REJECTED_NOTE)]
