"""How long a fresh SQLite installation takes to migrate and to load the region tree (`make run`'s path)."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Variables of the PostgreSQL run that must not leak into the SQLite one.
_UNSET = ("DATABASE_URL", "DATABASE_CONN_MAX_AGE", "SECRET_KEY", "STATIC_ROOT", "SECURE_SSL_REDIRECT")


def _timed(command: list[str], *, cwd: Path, env: dict) -> float:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} failed on SQLite:\n{result.stdout}\n{result.stderr}")
    return round(elapsed, 2)


def time_region_load(project_dir: Path) -> dict:
    """Seconds for `manage.py migrate` then `manage.py load_regions` on an empty SQLite database."""
    manage = [sys.executable, "manage.py"]
    with tempfile.TemporaryDirectory(prefix="mpp-bench-sqlite-") as var_dir:
        env = {key: value for key, value in os.environ.items() if key not in _UNSET}
        env.update({"DEBUG": "true", "MPP_VAR_DIR": var_dir, "LOG_LEVEL": "WARNING"})
        return {
            "migrate_s": _timed([*manage, "migrate", "--noinput", "-v0"], cwd=project_dir, env=env),
            "load_regions_s": _timed([*manage, "load_regions"], cwd=project_dir, env=env),
        }
