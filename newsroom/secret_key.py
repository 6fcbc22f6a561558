"""
The secret key of an installation that runs outside production mode.

Nothing in the code can sign a share link or a session: each installation makes its
own key on first start and keeps it, readable by its owner only, in the var folder.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret_key"
MIN_LENGTH = 50


def installation_secret_key(var_dir: Path) -> str:
    """Return this installation's key from var_dir, making it on first use."""
    path = Path(var_dir) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_once(path, secrets.token_urlsafe(64))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path} does not hold a usable secret key: delete it to make a new one "
            "(signed-in users will have to sign in again)."
        )
    return key


def _write_once(path: Path, key: str) -> None:
    # Written whole to a private temporary file (mkstemp makes it 0600), then linked
    # into place: of processes starting at the same moment one wins the link and the
    # others read its key, never a half-written file.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE_NAME}.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
