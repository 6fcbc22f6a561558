"""The Nu HTML checker (vnu.jar from the vnu-jar npm package), run once per batch."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

VNU = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


def require_checker() -> str:
    """Return the java to run the checker with; skip (or fail in CI) without one."""
    java = shutil.which("java")
    missing = [
        reason
        for reason, absent in [
            (
                f"{VNU} is missing: run `npm ci` (python3 dev.py test does it).",
                not VNU.exists(),
            ),
            ("java is missing: apt-get install -y default-jre-headless.", java is None),
        ]
        if absent
    ]
    if missing:
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(" ".join(missing))
        pytest.skip(" ".join(missing))
    return java


def nu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """Validate each named HTML document; return the checker's errors, if any."""
    java = require_checker()
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        # The checker's schema needs a deeper stack than Java's default.
        [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--stdout",
         "--exit-zero-always", *(str(folder / name) for name in files)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}"
        f":{m.get('lastLine')}: "
        f"{m['message']} — {m.get('extract', '').strip()[:160]}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
