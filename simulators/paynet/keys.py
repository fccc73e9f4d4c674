"""The RSA keys of the two token requests: MPP Digital's pair (the network verifies with its
public half) and the network's pair (it signs its own token requests to the platform).

`python -m simulators.paynet keys --dir var/paynet` writes the four PEM files the demo and the
tests use (ensure_keys); the simulator loads the two halves it needs at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048
PRIVATE_MODE, PUBLIC_MODE = 0o600, 0o644
AnyKey = TypeVar("AnyKey", rsa.RSAPrivateKey, rsa.RSAPublicKey)


@dataclass(frozen=True)
class KeyFiles:
    """The four PEM files in one directory."""

    directory: Path

    @property
    def platform_private(self) -> Path:
        return self.directory / "platform-private.pem"

    @property
    def platform_public(self) -> Path:
        return self.directory / "platform-public.pem"

    @property
    def network_private(self) -> Path:
        return self.directory / "network-private.pem"

    @property
    def network_public(self) -> Path:
        return self.directory / "network-public.pem"

    def pairs(self) -> tuple[tuple[Path, Path], ...]:
        return (self.platform_private, self.platform_public), (self.network_private, self.network_public)


def ensure_keys(directory: str | os.PathLike[str]) -> tuple[KeyFiles, list[Path]]:
    """Write each missing key of the two pairs (RSA 2048, PEM; private keys unencrypted PKCS8,
    mode 0600) and leave existing ones alone: a missing public half is derived from its
    private one. Returns the files and those written. ValueError for a public key without its
    private one (a new private key would not match it)."""
    files = KeyFiles(Path(directory))
    files.directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for private_path, public_path in files.pairs():
        if not private_path.exists():
            if public_path.exists():
                raise ValueError(f"{public_path} exists without {private_path.name}: remove it or restore the key")
            key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            written += _write_new(private_path, pem, PRIVATE_MODE)
        if not public_path.exists():
            public = load_private_key(private_path, source=str(private_path)).public_key()
            pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            written += _write_new(public_path, pem, PUBLIC_MODE)
    return files, written


def _write_new(path: Path, content: bytes, mode: int) -> list[Path]:
    """Create `path` with `mode` unless it exists (another process won the race): [path] or []."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return []
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    return [path]


def load_private_key(path: str | os.PathLike[str], *, source: str) -> rsa.RSAPrivateKey:
    """An unencrypted RSA private key of at least 2048 bits; ValueError naming `source` otherwise."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot read the RSA private key {path} ({source}): {exc}") from None
    return _checked(key, rsa.RSAPrivateKey, path, source)


def load_public_key(path: str | os.PathLike[str], *, source: str) -> rsa.RSAPublicKey:
    """An RSA public key (PEM) of at least 2048 bits; ValueError naming `source` otherwise."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the RSA public key {path} ({source}): {exc}") from None
    return _checked(key, rsa.RSAPublicKey, path, source)


def _checked(key: object, kind: type[AnyKey], path: str | os.PathLike[str], source: str) -> AnyKey:
    if not isinstance(key, kind) or key.key_size < KEY_BITS:
        raise ValueError(f"{path} ({source}) must be an RSA key of at least {KEY_BITS} bits")
    return key
