"""The RSA key that signs ID tokens: from the environment in production, generated once for development.

Imported by settings, so it must not touch Django's app registry.
"""

import contextlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_SIZE = 2048  # development only: production keys come from the operator


def development_signing_key(path: Path) -> str:
    """The PEM private key at ``path``, created there first (mode 0600) when missing.

    Safe when several processes start at once (test workers, runserver and its worker):
    the key is written to a private temporary file and hard-linked into place, so a
    reader sees either no file or a complete one, and every process ends up with the
    same key.
    """
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text()
