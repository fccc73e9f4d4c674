"""Demo regions at every stage of joining, beside the 21 pilots that are active: so `make run` shows the
ministry's queue, the public list and a region's page in each state. Through the real services."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mpp.catalog.models import ServiceTemplate
from mpp.identity.models import Role, User
from mpp.onboarding import services
from mpp.onboarding.models import Participation
from mpp.onboarding.readiness import CRITERION_CODES, Score

#: code, name of the official, and how far the demo takes it (East Kalimantan, beside pilot Samarinda).
DEMO_REGIONS = [
    ("64.03", "Sri Juniarsih", "requested"),  # Kabupaten Berau
    ("64.01", "Fahmi Fadli", "returned"),  # Kabupaten Paser
    ("64.71", "Rahmad Mas'ud", "designated"),  # Kota Balikpapan
    ("64.74", "Basri Rase", "region_signed"),  # Kota Bontang
    ("64.09", "Hamdam", "refused"),  # Kabupaten Penajam Paser Utara
]
DEMO_LETTER = b"%PDF-1.4\n% Surat permohonan bergabung MPP Digital (demo)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_demo_onboarding(*, ministry: User, password: str) -> list[str]:
    """Take each demo region as far as ``DEMO_REGIONS`` says (regions already on record are left alone); the
    regions' signatories get ``password``. Returns the region codes added now."""
    added = []
    templates = list(ServiceTemplate.objects.filter(slug__in=["akta-kelahiran", "kartu-keluarga"]))
    for code, official, stage in DEMO_REGIONS:
        if Participation.objects.filter(region_id=code).exists():
            continue
        slug = code.replace(".", "")
        request = services.submit_request(
            region_code=code,
            letter=SimpleUploadedFile("surat-permohonan.pdf", DEMO_LETTER, content_type="application/pdf"),
            first_services=templates,
            applicant_name=official,
            applicant_position="Kepala Daerah",
            contact_email=f"pejabat.{slug}@demo.mpp.go.id",
            contact_phone="0541 000000",
            bandwidth_mbps=50,
            counters=12,
            officers_trained=15,
            has_dukcapil_agreement=stage != "refused",
            manager_name=f"Pengelola MPP {code}",
            manager_position="Kepala Bidang Pelayanan DPMPTSP",
            manager_email=f"pengelola.{slug}@demo.mpp.go.id",
        )
        version = request.version
        if stage == "returned":
            services.return_request(
                request_id=request.pk,
                by=ministry,
                note="Lampirkan keputusan kepala daerah tentang tim pengelola MPP Digital.",
                expected_version=version,
            )
        elif stage == "refused":
            services.refuse_request(
                request_id=request.pk,
                by=ministry,
                note="Belum ada perjanjian akses data dengan Dukcapil; ajukan kembali setelah PKS ditandatangani.",
                expected_version=version,
            )
        elif stage in ("designated", "region_signed"):
            services.designate(
                request_id=request.pk,
                by=ministry,
                checklist={code: {"score": Score.MET, "note": ""} for code in CRITERION_CODES},
                decree_number=f"B/{slug}/DP.00.00/2026",
                decree_date=timezone.localdate() - dt.timedelta(days=1),
                expected_version=version,
            )
            signatory = User.objects.get(email=request.contact_email)
            signatory.set_password(password)
            signatory.save(update_fields=["password"])
            if stage == "region_signed":
                services.sign_for_region(request_id=request.pk, by=signatory, expected_version=version + 1)
        added.append(code)
    return added


def signatories() -> list[str]:
    return list(User.objects.filter(role_assignments__role=Role.REGION_SIGNATORY).values_list("username", flat=True))
