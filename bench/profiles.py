"""Where a scenario's server CPU goes: py-spy on the workers during a pass of the scenario's own load.

For the scenarios with a CPU budget (issue #16), after the measured run (never during it: sampling costs the
workers CPU), the same load runs ``SECONDS`` more while py-spy samples every worker 200 times a second, each
thread only while it holds the GIL (``--gil``): Python's own CPU, not a wait for PostgreSQL's answer nor for the
GIL the worker's other thread holds. Each sample is put in the first layer its stack meets from the innermost
frame out (``LAYERS``): a query's SQL being compiled is the ORM's, a variable escaped in a template the
templates'. The first worker's flame graph is kept in ``docs/profiles/<scenario>.svg``.
"""

import collections
import subprocess
import sys
import tempfile
from pathlib import Path

PROFILES_DIR = Path(__file__).resolve().parent.parent / "docs" / "profiles"
SECONDS = 8
RATE = 200

#: (layer, path fragments of its frames), matched in this order.
LAYERS = (
    ("database driver", ("psycopg/", "psycopg_binary/", "psycopg_c/")),
    ("ORM", ("django/db/",)),
    ("templates", ("django/template/", "django/templatetags/", "/templatetags/")),
    ("sessions and sign-in", ("django/contrib/sessions/", "django/contrib/auth/")),
    ("forms and validation", ("django/forms/", "pydantic", "mpp/forms/")),
    ("OIDC and cryptography", ("oauth2_provider/", "oauthlib/", "jwcrypto/", "cryptography/")),
    (
        "request handling and middleware",
        ("django/core/handlers/", "django/http/", "django/middleware/", "django/urls/", "middleware", "whitenoise/"),
    ),
    ("application code", ("mpp/",)),
)
OTHER = "Python and Django utilities"


class Recording:
    """py-spy (non-blocking, ``RATE`` samples a second) while the block runs, one recorder for each
    (format, output file, pid); with ``gil``, only samples of threads holding the GIL."""

    def __init__(self, outputs: list[tuple[str, Path, int]], *, gil: bool = False):
        self.outputs, self.gil, self.recorders = outputs, gil, []

    def __enter__(self):
        record = [str(Path(sys.executable).with_name("py-spy")), "record", "--nonblocking", "--rate", str(RATE)]
        record += ["--gil"] if self.gil else []
        self.recorders = [
            subprocess.Popen(
                [*record, "--format", kind, "--output", str(output), "--pid", str(pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for kind, output, pid in self.outputs
        ]
        return self

    def __exit__(self, *exc_info):
        for recorder in self.recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
        for recorder in self.recorders:
            recorder.wait(timeout=60)


class Sampling(Recording):
    """Each worker's raw stacks while the block runs, and the first worker's flame graph in PROFILES_DIR."""

    def __init__(self, name: str, pids: list[int]):
        self.directory = tempfile.TemporaryDirectory(prefix="bench-profile-")
        self.raw = [Path(self.directory.name) / f"{pid}.txt" for pid in pids]
        PROFILES_DIR.mkdir(parents=True, exist_ok=True)
        outputs = [("raw", path, pid) for path, pid in zip(self.raw, pids, strict=True)]
        super().__init__([*outputs, ("flamegraph", PROFILES_DIR / f"{name}.svg", pids[0])], gil=True)

    def layers(self) -> dict:
        """The samples' shares by layer, with their count."""
        counts = collections.Counter()
        for path in self.raw:
            if path.exists():
                for line in path.read_text(errors="replace").splitlines():
                    stack, _, count = line.rpartition(" ")
                    if count.isdigit():
                        counts[layer_of(stack.split(";"))] += int(count)
        self.directory.cleanup()
        total = sum(counts.values())
        shares = {layer: round(count / total, 3) for layer, count in counts.most_common()} if total else {}
        return {"samples": total, "shares": shares}


def layer_of(frames: list[str]) -> str:
    """The layer of one sampled stack (root first)."""
    for frame in reversed(frames):
        where = frame.rpartition("(")[2]
        for layer, fragments in LAYERS:
            if any(fragment in where for fragment in fragments):
                return layer
    return OTHER
