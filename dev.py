#!/usr/bin/env python3
"""
Set up and run Newsroom on a machine that has only Python 3.11+.

    python3 dev.py run    create .venv, install the locked dependencies, migrate,
                          load the demo newsroom and serve http://127.0.0.1:8000/
    python3 dev.py test   the same set-up, then the whole test suite (pytest)

Extra arguments after `test` go to pytest; the suite is spread over the
machine's cores (pytest-xdist) unless they say otherwise (`-n 0`: one process).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".requirements.sha256"
CHROMIUM = Path("/usr/bin/chromium")


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def run(*args: str, **kwargs) -> None:
    subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def ensure_venv() -> None:
    if not PYTHON.exists():
        say("Creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    say("Installing locked dependencies")
    run(str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", str(LOCK))  # fmt: skip
    STAMP.write_text(digest)


def ensure_chromium() -> None:
    """Browser tests drive the system Chromium and the Nu HTML checker runs on Java;
    install Debian's when we can."""
    missing = [
        package
        for package, present in [
            ("chromium", CHROMIUM.exists()),
            ("default-jre-headless", shutil.which("java")),
        ]
        if not present
    ]
    if not missing or not shutil.which("apt-get") or os.geteuid() != 0:
        return
    say(f"Installing {', '.join(missing)} for the browser and HTML checker tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)


def ensure_axe() -> None:
    """axe-core and the Nu HTML checker (vnu-jar), pinned in package.json."""
    npm = shutil.which("npm")
    wanted = ["axe-core", "vnu-jar"]
    if all((ROOT / "node_modules" / name).exists() for name in wanted) or not npm:
        return
    say("Installing axe-core and the Nu HTML checker for the page tests (npm ci)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=False, cwd=ROOT)


def manage(*args: str) -> None:
    run(str(PYTHON), "manage.py", *args)


def cmd_run() -> None:
    ensure_venv()
    say("Preparing the database")
    manage("migrate", "--no-input", "-v", "0")
    manage("load_demo")
    say("Serving http://127.0.0.1:8000/ (admin at /admin/); Ctrl+C stops")
    manage("runserver", "127.0.0.1:8000")


def cmd_test(extra: list[str]) -> int:
    ensure_venv()
    ensure_chromium()
    ensure_axe()
    say("Running the test suite")
    spread = (
        []
        if any(a.startswith(("-n", "--numprocesses")) for a in extra)
        else ["-n", "auto"]
    )
    return subprocess.run(
        [str(PYTHON), "-m", "pytest", *spread, *extra], cwd=ROOT
    ).returncode


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 there is
        sys.exit("Newsroom needs Python 3.11 or newer.")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        cmd_run()
        return 0
    if command == "test":
        return cmd_test(sys.argv[2:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
