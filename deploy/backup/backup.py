"""Base backups of the `make cluster` primary and a restore check: `make backup`, `make restore-check`.

    .venv/bin/python deploy/backup/backup.py backup
    .venv/bin/python deploy/backup/backup.py restore-check [--backup var/cluster/backups/<timestamp>]

`backup` takes a compressed tar base backup of pg-primary with pg_basebackup into
var/cluster/backups/<UTC timestamp>/ and writes backup.json beside it: the WAL position at its end, the latest
acknowledged submission and the row counts of the main tables at that position.

`restore-check` restores the newest backup (or --backup) into a fresh PostgreSQL cluster in a temporary directory
on 127.0.0.1:5444 (CLUSTER_PG_RESTORE_PORT), replays every archived WAL segment from var/cluster/wal-archive,
lets it promote, compares it with the live primary and runs Django against it; a PASS/FAIL table, exit code 1 on
a failure. The temporary cluster is always stopped and removed. See deploy/backup/README.md.

Standard library only (and the project's virtualenv for the Django check); PostgreSQL's programs run as the
postgres user through cluster.py's helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cluster"))
import cluster  # deploy/cluster/cluster.py, found through the path above

BACKUPS = cluster.STATE / "backups"
MANIFEST = "backup.json"
RESTORE = "pg-restore"
# The restored cluster gets a port of its own in cluster.py's table, so cluster.psql() reaches it by name.
cluster.PORTS[RESTORE] = cluster._port("CLUSTER_PG_RESTORE_PORT", 5444)

#: The main tables (src/mpp/*/models.py): what a restore must bring back, by what the check calls them.
MAIN_TABLES = {
    "applications": "applications_application",
    "events": "applications_event",
    "notifications": "notifications_notification",
    "outbox messages": "notifications_outboxmessage",
    "users": "identity_user",
    "issued documents": "documents_issueddocument",
}
#: The latest acknowledged submission: a submitted application has its tracking number and submitted_at.
LATEST_SUBMISSION = """
    SELECT id, tracking_number, status, submitted_at FROM applications_application
    WHERE submitted_at IS NOT NULL AND tracking_number IS NOT NULL
    ORDER BY submitted_at DESC, created_at DESC, id DESC LIMIT 1
"""
#: A JSON object of the main tables' row counts, by table name.
COUNTS = "json_build_object({})".format(
    ", ".join(f"'{table}', (SELECT count(*) FROM {table})" for table in MAIN_TABLES.values())  # noqa: S608 - constants
)
say = cluster.say


def _sql(query: str, name: str = "pg-primary") -> str:
    return cluster.psql(query, name=name, database=cluster.DATABASE)


def snapshot_and_switch() -> dict:
    """The main tables' row counts and the latest submission as of one WAL position, then a WAL switch.

    The tables are locked in SHARE mode for the moment it takes (writers wait, readers do not), so nothing can
    commit to them between the counts and pg_switch_wal(): the counts are exactly the state at the end of the
    WAL segment the switch closes, which archive_command then copies. Nodes and workers may keep running."""
    tables = ", ".join(MAIN_TABLES.values())
    script = f"""
        BEGIN;
        SET LOCAL lock_timeout = '10s';
        LOCK TABLE {tables} IN SHARE MODE;
        SELECT json_build_object(
            'counts', {COUNTS},
            'latest_submission', (SELECT row_to_json(latest) FROM ({LATEST_SUBMISSION}) latest),
            'lsn', pg_current_wal_lsn()
        );
        SELECT json_build_object('switch_lsn', pg_switch_wal());
        COMMIT;
    """  # noqa: S608 - constants
    # psql prints the command tags (BEGIN, SET, LOCK TABLE, COMMIT) too: the two JSON objects are the results.
    first, second = (json.loads(line) for line in _sql(script).splitlines() if line.startswith("{"))
    state = first | second
    state["wal_file"] = _sql(f"SELECT pg_walfile_name('{state['switch_lsn']}')")
    return state


def wait_archived(wal_file: str, timeout: float = 60.0) -> None:
    """Until archive_command has copied ``wal_file`` (the segment a switch closed) into the WAL archive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (cluster.WAL_ARCHIVE / wal_file).exists():
            return
        time.sleep(0.2)
    failed = _sql("SELECT last_failed_wal || ' at ' || last_failed_time FROM pg_stat_archiver")
    raise SystemExit(f"{wal_file} is not in {cluster.WAL_ARCHIVE} after {timeout:.0f} s (last failure: {failed})")


def require_primary() -> None:
    if not cluster.is_up("pg-primary"):
        raise SystemExit("pg-primary is not up: start the cluster first (make cluster)")


# --- backup -----------------------------------------------------------------------------------------------


def backup() -> int:
    """pg_basebackup -Ft -z -X none, then the manifest and a WAL switch.

    -X none: the WAL comes from the archive, which is continuous anyway (archive_mode=on) and which point-in-time
    recovery needs in any case. pg_basebackup without WAL makes the server wait until the WAL the backup needs
    is archived, so when it returns, backup + archive restore; the backup stays small and WAL has one home.
    The price: a base backup is useless without the archive (keep them together, see README.md)."""
    require_primary()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = BACKUPS / stamp
    cluster._owned_by_postgres(BACKUPS, 0o700)  # a whole copy of the citizens' data: nobody else reads it
    say(f"==> pg_basebackup {target}")
    started = time.monotonic()
    command = [str(cluster.pg_bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(cluster.PORTS["pg-primary"])]
    command += ["-U", "postgres", "-D", str(target), "-Ft", "-z", "-X", "none", "--checkpoint=fast"]
    command += ["-l", f"mpp {stamp}"]
    cluster._run(cluster._as_postgres(command))
    # pg_basebackup's own manifest (of every file, with checksums) holds the WAL range the backup needs.
    wal_range = json.loads((target / "backup_manifest").read_text())["WAL-Ranges"][0]
    start_lsn = wal_range["Start-LSN"]
    seconds = time.monotonic() - started
    state = snapshot_and_switch()
    wait_archived(state["wal_file"])
    manifest = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": f"mpp {stamp}",
        "primary": cluster.database_url("pg-primary"),
        "format": "pg_basebackup -Ft -z -X none (WAL from the archive)",
        "timeline": wal_range["Timeline"],
        "start_lsn": start_lsn,
        "backup_end_lsn": wal_range["End-LSN"],
        # The oldest WAL segment a restore of this backup reads: pg_archivecleanup's argument for retention.
        "start_wal_file": _sql(f"SELECT pg_walfile_name('{start_lsn}')"),
        "end_lsn": state["lsn"],
        "switch_lsn": state["switch_lsn"],
        "last_wal_file": state["wal_file"],
        "latest_submission": state["latest_submission"],
        "counts": state["counts"],
        "files": {path.name: path.stat().st_size for path in sorted(target.iterdir())},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(manifest["files"].values())
    say(f"backup {target} ({size / 1e6:.1f} MB in {seconds:.1f} s)")
    say(f"  WAL {start_lsn} .. {state['lsn']}, archived through {state['wal_file']}")
    latest = state["latest_submission"] or {}
    say(f"  latest submission: {latest.get('tracking_number')} ({latest.get('status')}) id {latest.get('id')}")
    say("  rows: " + ", ".join(f"{name} {state['counts'][table]}" for name, table in MAIN_TABLES.items()))
    return 0


# --- restore-check ----------------------------------------------------------------------------------------


def latest_backup() -> Path:
    found = sorted(path.parent for path in BACKUPS.glob(f"*/{MANIFEST}"))
    if not found:
        raise SystemExit(f"no backup in {BACKUPS}: make backup first")
    return found[-1]


def _restore_settings(sockets: Path) -> str:
    # archive_mode off: a restored cluster must never write into the live cluster's archive (its new timeline).
    return f"""
# --- backup.py restore-check ---
cluster_name = '{RESTORE}'
listen_addresses = '127.0.0.1'
port = {cluster.PORTS[RESTORE]}
unix_socket_directories = '{sockets}'
archive_mode = off
restore_command = 'cp {cluster.WAL_ARCHIVE}/%f %p'
recovery_target_timeline = 'latest'
hot_standby = on
"""


def restore(source: Path, scratch: Path) -> Path:
    """The base backup unpacked into scratch/data, set up for archive recovery, started; returns its log."""
    data, log = scratch / "data", scratch / "postgres.log"
    cluster._owned_by_postgres(scratch, 0o700)
    cluster._owned_by_postgres(data, 0o700)
    cluster._owned_by_postgres(log, 0o600, directory=False)
    cluster._run(cluster._as_postgres(["tar", "-xzf", str(source / "base.tar.gz"), "-C", str(data)]))
    if (source / "pg_wal.tar.gz").exists():  # a backup taken with -X fetch or stream
        cluster._run(cluster._as_postgres(["tar", "-xzf", str(source / "pg_wal.tar.gz"), "-C", str(data / "pg_wal")]))
    with open(data / "postgresql.conf", "a") as conf:  # later lines win over the primary's settings
        conf.write(_restore_settings(scratch))
    (data / "standby.signal").unlink(missing_ok=True)
    cluster._owned_by_postgres(data / "recovery.signal", 0o600, directory=False)
    pg_ctl = [str(cluster.pg_bindir() / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "300", "start"]
    result = cluster._run(cluster._as_postgres(pg_ctl), check=False)
    if result.returncode != 0:
        raise SystemExit(f"the restored cluster did not start:\n{_tail(log)}")
    return log


def wait_promoted(log: Path, timeout: float = 300.0) -> None:
    """Until recovery has replayed every archived segment (restore_command finds no next one) and promoted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(SystemExit):
            if _sql("SELECT pg_is_in_recovery()", RESTORE) == "f":
                return
        time.sleep(0.5)
    raise SystemExit(f"the restored cluster is still in recovery after {timeout:.0f} s:\n{_tail(log)}")


def stop_restored(scratch: Path) -> None:
    data = scratch / "data"
    if (data / "postmaster.pid").exists():
        for mode in ("fast", "immediate"):
            command = [str(cluster.pg_bindir() / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "-t", "30", "stop"]
            if cluster._run(cluster._as_postgres(command), check=False).returncode == 0:
                break
    with contextlib.suppress(OSError):  # its log outlives it, for a failed check
        shutil.copyfile(scratch / "postgres.log", cluster.LOGS / f"{RESTORE}.log")
    shutil.rmtree(scratch, ignore_errors=True)


def _lsn(text: str) -> int:
    """A pg_lsn (``16/B374D848``) as a number."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _tail(log: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return f"(no log at {log})"


def restored_state() -> dict:
    return json.loads(_sql(f"SELECT {COUNTS}", RESTORE))


def submission_in_restored(submission: dict | None) -> tuple[bool, str]:
    if not submission:
        return False, "no submitted application to look for"
    query = f"SELECT tracking_number || ' ' || status FROM applications_application WHERE id = '{submission['id']}'"  # noqa: S608 - a uuid from our own database
    found = _sql(query, RESTORE)
    expected = f"{submission['tracking_number']} {submission['status']}"
    return found == expected, f"{expected} (id {submission['id']}); restored: {found or 'missing'}"


def django_check(submission: dict | None) -> list[tuple[str, bool, str]]:
    """manage.py check and a query through the ORM, with DATABASE_URL on the restored cluster (no replica)."""
    env = cluster.django_env()
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{cluster.PORTS[RESTORE]}/{cluster.DATABASE}"
    env.pop("DATABASE_REPLICA_URL", None)
    manage = [cluster.PYTHON, "manage.py"]
    checked = cluster._run([*manage, "check", "--database", "default"], env=env, check=False)
    number = (submission or {}).get("tracking_number") or "-"
    code = (
        "from django.db import connection; from mpp.applications.models import Application as A; "
        f"a = A.objects.filter(tracking_number={number!r}).first(); "
        "print('RESULT', connection.settings_dict['PORT'], A.objects.count(), a.status if a else '-')"
    )
    shell = cluster._run([*manage, "shell", "-v", "0", "-c", code], env=env, check=False)
    found = [line.split()[1:] for line in shell.stdout.splitlines() if line.startswith("RESULT ")]
    port, count, status = found[0] if found else ("?", "?", "?")
    expected_count = _sql("SELECT count(*) FROM applications_application", RESTORE)
    ok_query = shell.returncode == 0 and port == str(cluster.PORTS[RESTORE]) and count == expected_count
    detail = (
        f"port {port}: Application.objects.count() = {count} (SQL {expected_count}); {number} is {status}"
        if shell.returncode == 0
        else (shell.stderr.strip().splitlines() or ["failed"])[-1]
    )
    check_detail = (checked.stdout.strip() or checked.stderr.strip()).splitlines()[-1:] or ["no output"]
    return [
        ("django: manage.py check --database default", checked.returncode == 0, check_detail[0]),
        ("django: ORM query on the restored database", ok_query, detail),
    ]


def restore_check(source: Path | None) -> int:
    require_primary()
    source = source or latest_backup()
    manifest = json.loads((source / MANIFEST).read_text())
    port = cluster.PORTS[RESTORE]
    if port in cluster.listening_ports():
        raise SystemExit(f"port {port} is in use: set CLUSTER_PG_RESTORE_PORT")
    say(f"==> backup {source} ({manifest['timestamp']}, WAL {manifest['start_lsn']} .. {manifest['end_lsn']})")
    # The marker: the state of the live primary at a WAL switch (see snapshot_and_switch), once it is archived.
    marker = snapshot_and_switch()
    wait_archived(marker["wal_file"])
    say(f"==> marker on the live primary: LSN {marker['lsn']}, WAL switched, archived through {marker['wal_file']}")
    scratch = Path(tempfile.mkdtemp(prefix="mpp-restore-"))
    started = time.monotonic()
    try:
        say(f"==> restore into {scratch}/data on 127.0.0.1:{port}, replaying {cluster.WAL_ARCHIVE}")
        log = restore(source, scratch)
        wait_promoted(log)
        replayed = _sql("SELECT pg_last_wal_replay_lsn()", RESTORE)
        timeline = _sql("SELECT timeline_id FROM pg_control_checkpoint()", RESTORE)
        took = time.monotonic() - started
        say(f"==> restored in {took:.1f} s: replayed to {replayed}, promoted (timeline {timeline})")
        counts = restored_state()
        results = compare(manifest, marker, counts, replayed)
        results += django_check(marker["latest_submission"])
    finally:
        stop_restored(scratch)
        say(f"==> restored cluster stopped, {scratch} removed (its log: {cluster.LOGS / (RESTORE + '.log')})")
    return report(manifest, marker, counts, results)


def compare(manifest: dict, marker: dict, counts: dict, replayed: str) -> list[tuple[str, bool, str]]:
    results = []
    # Replay must reach the marker and stop within the segment the marker's switch closed (replaying a switch
    # record counts as reaching the segment's end): a later segment would hold writes made after the marker.
    segment = int(_sql("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'", RESTORE))
    switch = _lsn(marker["switch_lsn"])
    segment_end = -(-switch // segment) * segment
    beyond = _lsn(replayed) > segment_end
    results.append(
        (
            "WAL replayed through the marker's segment",
            _lsn(marker["lsn"]) <= _lsn(replayed) and not beyond,
            f"replayed to {replayed}; marker {marker['lsn']}, switch {marker['switch_lsn']}"
            + (" (a later segment was archived meanwhile, holding later writes: run again)" if beyond else ""),
        )
    )
    for name, table in MAIN_TABLES.items():
        backed_up, live, restored = manifest["counts"][table], marker["counts"][table], counts[table]
        results.append((f"rows: {name} = live primary at the marker", restored == live, f"{restored} vs {live}"))
        results.append((f"rows: {name} >= backup manifest", restored >= backed_up, f"{restored} vs {backed_up}"))
    ok, detail = submission_in_restored(marker["latest_submission"])
    results.append(("latest submission on the live primary restored", ok, detail))
    ok, detail = submission_in_restored(manifest["latest_submission"])
    results.append(("latest submission of the backup manifest restored", ok, detail))
    return results


def report(manifest: dict, marker: dict, counts: dict, results: list[tuple[str, bool, str]]) -> int:
    say("")
    rows = [("TABLE", "BACKUP", "LIVE@MARKER", "RESTORED", "REPLAYED SINCE BACKUP")]
    for name, table in MAIN_TABLES.items():
        before, live, restored = manifest["counts"][table], marker["counts"][table], counts.get(table, "?")
        since = f"{restored - before:+d}" if isinstance(restored, int) else "?"
        rows.append((name, str(before), str(live), str(restored), since))
    _table(rows)
    say("")
    _table([("CHECK", "RESULT", "DETAIL")] + [(name, "PASS" if ok else "FAIL", detail) for name, ok, detail in results])
    failed = [name for name, ok, _detail in results if not ok]
    say("")
    say(
        "The marker counts were taken with the main tables locked against writes up to a WAL switch, so they are "
        "the state at the end of the last archived segment: a complete restore must equal them exactly."
    )
    say(f"restore-check: {'FAIL (' + str(len(failed)) + ' checks)' if failed else 'PASS'}")
    return 1 if failed else 0


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="a base backup of pg-primary into var/cluster/backups/<UTC timestamp>")
    check = commands.add_parser("restore-check", help="restore a backup into a fresh cluster and check it")
    check.add_argument("--backup", type=Path, help="a backup directory (default: the newest)")
    args = parser.parse_args(argv)
    if args.command == "backup":
        return backup()
    return restore_check(args.backup.resolve() if args.backup else None)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as error:
        sys.exit(f"failed: {error}")
