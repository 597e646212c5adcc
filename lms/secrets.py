"""Secrets generated once for the embedded default, kept in git-ignored 0600 files."""

import os
import secrets
import tempfile
from pathlib import Path


def read_or_create_secret(path: Path, *, value: str | None = None) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        return path.read_text().strip()
    value = value or secrets.token_urlsafe(48)
    # Written aside then linked into place: a process starting at the same moment
    # either wins the link or reads the complete file of the one that did.
    fd, tmp = tempfile.mkstemp(dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def read_or_create_rsa_key(path: Path) -> str:
    """Return the PEM RSA private key at ``path``, generating it (0600) if missing."""
    if path.exists():
        return path.read_text()
    # deferred: cryptography is needed only to create a key, once
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return read_or_create_secret(path, value=pem) + "\n"
