"""Bench-only: how many documents the platform renders and signs per second, and what checking one costs.

Run by bench/documents.py with the benchmark's environment (its signing directory, where
documents_seed.py put the demo CA), before any server starts, so nothing else loads the machine:

    python bench/documents_signing.py --documents 200 --processes 2

Every document is a Kartu Keluarga of five members (the largest document the platform prints:
letterhead, fields, the members' table, QR code), rendered and signed with ``render_signed``
and the production signer (``signing.signer()``: a ``FileSigner`` built once per process).
Measures, after a few documents of warm-up (the first signature sizes the signature container):
- one core: ``--documents`` documents one after another in this process, and what rendering
  alone costs (the rest is signing);
- ``--processes`` cores: as many forked processes, each with its own signer, ``--documents``
  each, timed from a barrier they all pass after their warm-up until the last one is done;
- checking: ``validation.validate`` of signed documents one after another (each forks its
  bounded child, as the upload view does), which must all be valid — a signer that produced
  no real signature fails the scenario here.

Prints one JSON object on stdout.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import statistics
import sys
import time
from dataclasses import replace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from mpp.documents import signing  # noqa: E402
from mpp.documents.demo_ca import create_demo_ca  # noqa: E402
from mpp.documents.models import new_verification_code  # noqa: E402
from mpp.documents.rendering import RenderedContent, render, verification_url  # noqa: E402
from mpp.documents.validation import validate  # noqa: E402

WARM_UP = 3
VALIDATIONS = 30
ISSUER = ("PEMERINTAH KOTA SAMARINDA", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA SAMARINDA")
OFFICIAL = ("Dra. Hj. Siti Rahmawati, M.Si.", "Kepala Dinas Kependudukan dan Pencatatan Sipil")
FATHERS = ("BUDI SANTOSO", "AHMAD FAUZI", "RUDI HARTONO", "MUHAMMAD RIZKY", "AGUS SETIAWAN", "YUSUF HIDAYAT")
MOTHERS = ("SITI AMINAH", "DEWI LESTARI", "NUR HASANAH", "RINA WULANDARI", "FITRIANI", "SRI MULYANI")
CHILDREN = ("ANDI", "PUTRI", "RAHMAT", "AYU", "FAJAR", "NABILA", "DIMAS", "SALSABILA", "BAGAS", "AULIA")
MONTHS = ("Januari", "Maret", "Mei", "Juli", "Agustus", "Oktober", "Desember")


def family_card(index: int, *, code: str, tracking_number: str, issued_on: dt.date) -> RenderedContent:
    """A Kartu Keluarga of five members as ``services.issue`` fills it (``issuing._family_card``)."""
    kk = f"6472{index % 10**12:012d}"
    father, mother = FATHERS[index % len(FATHERS)], MOTHERS[index % len(MOTHERS)]
    surname = father.split()[-1]
    members = [
        (father, "KEPALA KELUARGA", f"{3 + index % 25} {MONTHS[index % 7]} 1984"),
        (mother, "ISTRI", f"{1 + index % 27} {MONTHS[(index + 2) % 7]} 1987"),
        *(
            (f"{CHILDREN[(index + n) % len(CHILDREN)]} {surname}", "ANAK", f"{5 + n} {MONTHS[n]} {2010 + 3 * n}")
            for n in range(3)
        ),
    ]
    rows = [
        (f"{kk[:6]}{(index * 7 + n) % 10**10:010d}", name, relationship, born)
        for n, (name, relationship, born) in enumerate(members)
    ]
    return RenderedContent(
        issuer=ISSUER,
        title="KARTU KELUARGA",
        number=f"KK-{kk}/{tracking_number}",
        issued_at=issued_on,
        place="Samarinda",
        official_name=OFFICIAL[0],
        official_position=OFFICIAL[1],
        verification_url=verification_url(code),
        verification_code=code,
        fields=[("Nomor Kartu Keluarga", kk), ("Nama kepala keluarga", father), ("Jenis permohonan", "Perubahan data")],
        table_header=("NIK", "Nama", "Hubungan keluarga", "Tanggal lahir"),
        table_rows=rows,
    )


def contents(start: int, count: int) -> list[RenderedContent]:
    today = dt.date.today()
    return [
        family_card(i, code=new_verification_code(), tracking_number=f"6472-2611-B{i:07d}", issued_on=today)
        for i in range(start, start + count)
    ]


def sign_all(documents: list[RenderedContent]) -> list[bytes]:
    return [signing.render_signed(content, using=signing.signer()) for content in documents]


def one_core(count: int) -> tuple[dict, list[bytes]]:
    sign_all(contents(0, WARM_UP))
    documents = contents(WARM_UP, count)
    started, cpu_started = time.perf_counter(), time.process_time()
    signed = sign_all(documents)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    # Rendering alone, on the same documents (with the demo banner render_signed adds for the demo CA).
    demo = [replace(content, demo=True) for content in documents[: max(count // 4, 1)]]
    render_started = time.perf_counter()
    for content in demo:
        render(content)
    render_ms = (time.perf_counter() - render_started) * 1000 / len(demo)
    per_document_ms = seconds * 1000 / count
    return {
        "processes": 1,
        "documents": count,
        "seconds": round(seconds, 2),
        "per_s": round(count / seconds, 1),
        "per_document_ms": round(per_document_ms, 1),
        "cpu_ms": round(cpu_seconds * 1000 / count, 1),
        "render_ms": round(render_ms, 1),
        "sign_ms": round(per_document_ms - render_ms, 1),
        "pdf_bytes": round(statistics.mean(len(pdf) for pdf in signed)),
    }, signed


def _worker(index: int, count: int, barrier, results) -> None:
    # Forked after django.setup(): signing.signer() builds this process's own signer (cached per pid).
    sign_all(contents(1_000_000 * (index + 1), WARM_UP))
    documents = contents(1_000_000 * (index + 1) + WARM_UP, count)
    barrier.wait()
    cpu_started = time.process_time()
    signed = sign_all(documents)
    results.put((index, len(signed), time.process_time() - cpu_started, signed[-1]))


def several_cores(processes: int, count: int) -> tuple[dict, list[bytes]]:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes + 1), context.Queue()
    workers = [context.Process(target=_worker, args=(n, count, barrier, results)) for n in range(processes)]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=120)
        started = time.perf_counter()
        answers = [results.get(timeout=600) for _ in workers]
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    total = sum(done for _, done, _, _ in answers)
    return {
        "processes": processes,
        "documents": total,
        "seconds": round(seconds, 2),
        "per_s": round(total / seconds, 1),
        "per_document_ms": round(seconds * 1000 * processes / total, 1),
        "cpu_ms": round(sum(cpu for _, _, cpu, _ in answers) * 1000 / total, 1),
    }, [pdf for _, _, _, pdf in answers]


def validations(pdfs: list[bytes]) -> dict:
    verdicts, started = [], time.perf_counter()
    for pdf in pdfs:
        verdicts.append(validate(pdf))
    seconds = time.perf_counter() - started
    invalid = [f"{verdict.status}/{verdict.reason}" for verdict in verdicts if not verdict.is_valid]
    return {
        "documents": len(pdfs),
        "per_document_ms": round(seconds * 1000 / len(pdfs), 1),
        "per_s": round(len(pdfs) / seconds, 1),
        "valid": len(pdfs) - len(invalid),
        "invalid": invalid[:5],
        "signer_name": verdicts[0].signer_name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents per process")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    create_demo_ca(signing.signing_dir())  # documents_seed.py made it already; kept when there
    single, signed = one_core(args.documents)
    print(f"one core: {single['per_s']} documents/s", file=sys.stderr, flush=True)
    several, several_signed = several_cores(args.processes, args.documents)
    print(f"{args.processes} cores: {several['per_s']} documents/s", file=sys.stderr, flush=True)
    # The checks: what the one-core run signed, and the last document of each process.
    checked = validations(signed[:VALIDATIONS] + several_signed)
    print(
        json.dumps(
            {
                "signer": signing.signer().certificate.subject.rfc4514_string(),
                "demo": signing.signer().is_demo,
                "one_core": single,
                "several_cores": several,
                "validation": checked,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
