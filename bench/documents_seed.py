"""Bench-only: the demo CA, issued documents to verify, and the files of the documents scenarios.

Run by bench/documents.py with the benchmark's environment (its PostgreSQL database, after
the applications seed, before VACUUM ANALYZE):

    python bench/documents_seed.py <out_dir> --documents 10000 --signed 40

- creates the demo CA in the benchmark's signing directory (``DOCUMENT_SIGNING_DIR``, under
  its own var dir), which the server signs with and trusts;
- issues ``--documents`` documents for as many approved applications of the services that
  issue one (birth certificate, KIA, KK, SIP), in one transaction. The first ``--signed`` are
  real: a five-member Kartu Keluarga rendered and signed with the production signer
  (``documents_signing.family_card``), stored through Django's storage with its SHA-256 on the
  issue record, as ``services.issue`` does; their PDFs are also written to <out_dir> for the
  upload scenario. The others are issue records (``bulk_create``) whose ``Upload`` rows share
  one stored file: the verification page reads the record, never the file. No vault entries
  (no scenario reads them) and no SISDMK registration for the permits;
- writes one request per line for the wrk scripts: ``<code>\\t<client address>`` for the
  verification page (every document once, each from its own address), ``<pdf path>\\t<client
  address>`` for the upload (the signed PDFs in turn, each line from its own address), and
  prints a JSON object on stdout: the files, values kept back for the checks, row counts and
  how long it took.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from documents_signing import family_card  # noqa: E402

from mpp.applications.models import Application, Status  # noqa: E402
from mpp.documents import archive, signing  # noqa: E402
from mpp.documents.demo_ca import create_demo_ca  # noqa: E402
from mpp.documents.models import DocumentType, IssuedDocument, new_verification_code  # noqa: E402
from mpp.files.models import Upload  # noqa: E402
from mpp.registry.models import PersonRecord  # noqa: E402
from mpp.registry.nik import mask_nik  # noqa: E402

#: What the platform issues per service (as ``documents.issuing`` does): type, title, number prefix.
ISSUED_AS = {
    "akta-kelahiran": (DocumentType.AKTA_KELAHIRAN, "KUTIPAN AKTA KELAHIRAN", "LU"),
    "kia": (DocumentType.KIA, "KARTU IDENTITAS ANAK", "KIA"),
    "kartu-keluarga": (DocumentType.KARTU_KELUARGA, "KARTU KELUARGA", "KK"),
    "sip-tenaga-kesehatan": (DocumentType.SIP, "SURAT IZIN PRAKTIK", "SIP"),
    "akta-kematian": (DocumentType.AKTA_KEMATIAN, "KUTIPAN AKTA KEMATIAN", "KM"),
    "akta-perkawinan": (DocumentType.AKTA_PERKAWINAN, "KUTIPAN AKTA PERKAWINAN", "KW"),
    "skpwni": (DocumentType.SKPWNI, "SURAT KETERANGAN PINDAH WARGA NEGARA INDONESIA", "SKPWNI"),
}
UPLOAD_LINES = 5_000  # 30 uploads a minute per address: each line from its own


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def address(prefix: int, n: int) -> str:
    """The n-th client address of a block: ``10.<prefix>.x.y`` (n < 65,536)."""
    return f"10.{prefix}.{n >> 8 & 255}.{n & 255}"


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


def approved_applications(count: int) -> list[Application]:
    applications = list(
        Application.objects.filter(
            status=Status.APPROVED, service__template__slug__in=ISSUED_AS, issued_document__isnull=True
        )
        .select_related("applicant", "service__template", "agency")
        .order_by("id")[:count]
    )
    if len(applications) < count:
        raise SystemExit(
            f"documents_seed.py needs {count:,} approved applications of {sorted(ISSUED_AS)}, "
            f"found {len(applications):,}: run the applications seed first"
        )
    return applications


def holder_names(applications: list[Application]) -> dict[str, str]:
    niks = {application.applicant.nik for application in applications if application.applicant.nik}
    return {record.nik: record.data.get("name", "") for record in PersonRecord.objects.filter(nik__in=niks)}


def upload_for(application: Application, pdf_name: str, *, sha256: str, size: int, now) -> Upload:
    return Upload(
        owner=application.applicant,
        application=application,
        sha256=sha256,
        content_type="application/pdf",
        size=size,
        original_name=pdf_name,
        created_at=now,
    )


def seed(out: Path, documents: int, signed_count: int, now) -> dict:
    applications = approved_applications(documents)
    names = holder_names(applications)
    used = signing.signer()
    signer_name = used.certificate.subject.rfc4514_string()[:300]
    uploads, issued, signed_files, codes = [], [], [], []
    shared = None
    for index, application in enumerate(applications):
        code = new_verification_code()
        issued_at = application.decided_at or now
        holder = names.get(application.applicant.nik or "", "") or application.applicant.get_full_name()
        document_type, title, prefix = ISSUED_AS[application.service.template.slug]
        number = f"{prefix}/{application.tracking_number}"
        key_fields = [["Nama", holder]]
        revision = ""  # the hash of the file as signed: what the upload check looks a copy up by
        if index < signed_count:
            content = family_card(
                index, code=code, tracking_number=application.tracking_number, issued_on=issued_at.date()
            )
            pdf = signing.render_signed(content, using=used)
            revision = archive.facts(pdf).signed_revision_sha256
            document_type, title, number = DocumentType.KARTU_KELUARGA, content.title, content.number
            holder, key_fields = content.fields[1][1], [list(pair) for pair in content.fields[:2]]
            upload = upload_for(
                application, f"kk-{index}.pdf", sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), now=now
            )
            upload.file.save("issued", ContentFile(pdf), save=False)
            path = out / "signed" / f"{index:03d}.pdf"
            path.write_bytes(pdf)
            signed_files.append({"path": str(path), "number": number, "code": code})
            shared = shared or (upload.file.name, len(pdf))
        else:
            # A record only: the page never opens the file, so every such upload names the same one.
            upload = upload_for(
                application, f"{prefix.lower()}-{index}.pdf", sha256=os.urandom(32).hex(), size=shared[1], now=now
            )
            upload.file.name = shared[0]
        uploads.append(upload)
        issued.append(
            IssuedDocument(
                code=code,
                application=application,
                region_id=application.region_id,
                document_type=document_type,
                number=number,
                title=title,
                issuer=application.agency.name,
                holder_name=holder,
                holder_nik_masked=mask_nik(application.applicant.nik) if application.applicant.nik else "",
                key_fields=key_fields,
                upload=upload,
                sha256=upload.sha256,
                signed_revision_sha256=revision,
                signer=signer_name,
                signed_by_demo_ca=used.is_demo,
                issued_at=issued_at,
            )
        )
        codes.append(code)
    with transaction.atomic():
        Upload.objects.bulk_create(uploads, batch_size=2_000)
        IssuedDocument.objects.bulk_create(issued, batch_size=2_000)
    return {"codes": codes, "signed": signed_files, "numbers": [row.number for row in issued]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--signed", type=int, default=40, help="real signed PDFs among them, for the upload")
    args = parser.parse_args()
    if not 2 <= args.signed <= min(args.documents, 256):
        raise SystemExit("--signed must be between 2 and min(--documents, 256)")
    out = args.out_dir
    (out / "signed").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ca = create_demo_ca(signing.signing_dir())
    seeded = seed(out, args.documents, args.signed, timezone.now())
    seed_s = round(time.perf_counter() - started, 1)
    codes, signed = seeded["codes"], seeded["signed"]
    # The checks use the first document and the first signed PDF; the load never sends them.
    check_code, check_number = codes[0], seeded["numbers"][0]
    check_pdf = signed[0]
    page_lines = [f"{code}\t{address(1, n)}" for n, code in enumerate(codes[1:])]
    upload_lines = [f"{signed[1 + n % (len(signed) - 1)]['path']}\t{address(2, n)}" for n in range(UPLOAD_LINES)]
    print(
        json.dumps(
            {
                "seed_s": seed_s,
                "ca_created": ca.created,
                "signing_dir": str(ca.directory),
                "counts": {
                    "issued": IssuedDocument.objects.count(),
                    "signed_pdfs": len(signed),
                    "page_addresses": len(page_lines),
                    "upload_addresses": len(upload_lines),
                },
                "pdf_bytes": round(sum(Path(item["path"]).stat().st_size for item in signed) / len(signed)),
                "check": {
                    "code": check_code,
                    "number": check_number,
                    "address": address(3, 1),
                    "pdf": check_pdf["path"],
                    "pdf_number": check_pdf["number"],
                },
                "files": {
                    "page": write_lines(out / "verify-codes.txt", page_lines),
                    "upload": write_lines(out / "verify-uploads.txt", upload_lines),
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
