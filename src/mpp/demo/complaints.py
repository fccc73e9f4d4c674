"""Demo complaints in Kota Samarinda, one in each state, through the real services: what the MPP manager
triages, what Disdukcapil's complaint officer answers, what Siti follows, what SP4N-LAPOR! holds, and
the public figures they make. Filed over the last weeks, so some are late and were escalated."""

import datetime as dt

from django.utils import timezone

from mpp.catalog.models import Agency
from mpp.complaints import figures, services
from mpp.complaints.models import Complaint
from mpp.identity.models import User
from mpp.regions.models import Region

KEY = "demo-complaint-"


def seed_demo_complaints(*, citizen: User, manager: User, officer: User) -> int:
    """File the demo complaints once; returns how many were added now."""
    if Complaint.objects.filter(submit_key__startswith=KEY).exists():
        return 0
    samarinda = Region.objects.get(code="64.72")
    dukcapil = Agency.objects.get(region=samarinda, kind__code="disdukcapil")
    now = timezone.now()

    def file(number, days_ago, **fields):
        complaint, _secret = services.file_complaint(
            region=samarinda, submit_key=f"{KEY}{number}", now=now - dt.timedelta(days=days_ago), **fields
        )
        return complaint

    def route(complaint, days_ago, **fields):
        return services.triage(
            officer=manager,
            complaint_id=complaint.pk,
            version=complaint.version,
            category=complaint.category,
            weight=fields.get("weight", complaint.weight),
            agency_id=dukcapil.pk,
            now=now - dt.timedelta(days=days_ago),
        )

    # Received, waiting for the manager (filed today) — and one waiting since last week: late.
    file(
        1,
        0,
        reporter=citizen,
        category="information",
        title="Persyaratan KIA di laman berbeda dengan di loket",
        description="Di laman tertulis cukup akta kelahiran, di loket diminta juga fotokopi KK.",
    )
    file(
        2,
        8,
        category="facilities",
        title="Ruang tunggu lantai 2 panas, AC mati",
        description="Sejak minggu lalu AC ruang tunggu lantai 2 MPP tidak menyala. Banyak lansia menunggu lama.",
    )
    # With Disdukcapil.
    delay = file(
        3,
        6,
        reporter=citizen,
        category="service_delay",
        agency=dukcapil,
        title="KTP-el belum tercetak setelah tiga minggu",
        description="Perekaman tanggal 2, dijanjikan dua minggu. Sampai sekarang belum ada kabar.",
    )
    delay = route(delay, 5)
    services.reply(
        officer=officer,
        complaint_id=delay.pk,
        version=delay.version,
        answer="Blangko sedang dikirim dari pusat; kami kabari begitu tercetak.",
        now=now - dt.timedelta(days=4),
    )
    # Asked for more information: the clock stands still.
    asked = route(
        file(
            4,
            4,
            reporter=citizen,
            category="officer_conduct",
            agency=dukcapil,
            anonymous=True,
            title="Petugas loket 3 membentak pemohon",
            description="Saat bertanya soal berkas, petugas menjawab dengan membentak di depan antrean.",
        ),
        3,
    )
    services.request_information(
        officer=officer,
        complaint_id=asked.pk,
        version=asked.version,
        question="Mohon jam kejadian kira-kira, agar kami cocokkan dengan jadwal petugas.",
        now=now - dt.timedelta(days=2),
    )
    # Resolved, waiting for the reporter's verdict.
    resolved = route(
        file(
            5,
            10,
            reporter=citizen,
            category="service_delay",
            agency=dukcapil,
            publish_consent=True,
            title="Akta kelahiran anak kedua terlambat",
            description="Sudah lewat batas waktu tiga hari kerja, status masih diproses.",
        ),
        9,
    )
    services.resolve(
        officer=officer,
        complaint_id=resolved.pk,
        version=resolved.version,
        action_taken="Berkas yang tertahan di verifikasi diteruskan; akta diterbitkan.",
        answer="Akta sudah terbit dan tersimpan di brankas dokumen Anda. Mohon maaf atas keterlambatannya.",
        now=now - dt.timedelta(days=1),
    )
    # Closed with a rating, published with consent.
    closed = route(
        file(
            6,
            20,
            reporter=citizen,
            category="illegal_fees",
            agency=dukcapil,
            publish_consent=True,
            title="Diminta uang Rp50.000 untuk mempercepat KK",
            description="Seseorang di depan MPP menawarkan mempercepat KK dengan membayar.",
        ),
        19,
        weight="complex",
    )
    closed = services.resolve(
        officer=officer,
        complaint_id=closed.pk,
        version=closed.version,
        action_taken="Calo dilaporkan ke Satpol PP; papan 'layanan gratis' dipasang.",
        answer="Layanan KK gratis. Kami memasang pengumuman dan berkoordinasi dengan Satpol PP.",
        now=now - dt.timedelta(days=12),
    )
    closed = services.confirm(
        complaint_id=closed.pk, rating=4, publish_consent=True, reporter=citizen, now=now - dt.timedelta(days=11)
    )
    services.publish(officer=manager, complaint_id=closed.pk, version=closed.version, now=now - dt.timedelta(days=11))
    # Outside the region's remit: forwarded to SP4N-LAPOR! (sent by the worker once the simulator is up).
    outside = file(
        7,
        3,
        reporter=citizen,
        category="other",
        title="Paspor: antrean daring Kantor Imigrasi penuh",
        description="Kuota antrean paspor di aplikasi selalu habis dalam hitungan menit.",
    )
    services.forward_to_lapor(
        officer=manager,
        complaint_id=outside.pk,
        version=outside.version,
        outside_remit=True,
        note="Layanan Kantor Imigrasi (instansi vertikal).",
        now=now - dt.timedelta(days=2),
    )
    # A duplicate of the AC complaint, merged.
    duplicate = file(
        8,
        7,
        category="facilities",
        title="AC ruang tunggu rusak",
        description="AC di ruang tunggu atas tidak berfungsi, sangat panas.",
    )
    first = Complaint.objects.get(submit_key=f"{KEY}2")
    services.merge(
        officer=manager,
        complaint_id=duplicate.pk,
        version=duplicate.version,
        into_number=first.tracking_number,
        now=now - dt.timedelta(days=6),
    )
    services.escalate_overdue(now=now)
    figures.rebuild()
    return 8
