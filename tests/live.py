"""A real site in other processes: its own database and cache, gunicorn workers,
and management commands run beside them, as in production.

The database is a SQLite file in a temporary var folder, or, when DATABASE_URL
names PostgreSQL, a database of its own on that server; the cache is diskcache
in that folder, or Redis under a key prefix of its own when REDIS_URL is set.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker_ports(first: int, count: int) -> range:
    """Return this test process's count ports from first: with the suite spread
    over processes (pytest-xdist), each has a range of its own, so two never try
    the same port at once, however many cores the machine has."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return range(first + worker * count, first + (worker + 1) * count)


PORTS = worker_ports(8150, 50)


def free_port(ports=PORTS) -> int:
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(url: str, headers=None, timeout=10.0) -> Answer:
    """GET url without following redirects; never raise for an HTTP status."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def serving(base: str, process, output, *, seconds: float) -> bool:
    """Wait until base answers; raise with process's output if it dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(output.read().decode())
        try:
            fetch(base + "/robots.txt", timeout=2)
            return True
        except OSError:
            time.sleep(0.2)
    return False


class LiveSite:
    def __init__(self, tmp: Path, **env):
        self.tmp = tmp
        self.var = tmp / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_"))
        }
        self.env.update(
            NEWSROOM_VAR_DIR=str(self.var),
            NEWSROOM_CACHE_DIR=str(self.var / "cache"),
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
        )
        self.env.pop("TEST_SQLITE_NAME", None)
        self.database = None
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            self.database = f"newsroom_live_{os.getpid()}_{int(time.time())}"
            self.admin_url = url
            self._postgres(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + self.database
        else:
            self.env.pop("DATABASE_URL", None)
        if os.environ.get("REDIS_URL"):
            self.env["CACHE_KEY_PREFIX"] = f"live{os.getpid()}-{time.time_ns()}"
        self.env.update(env)
        self.servers = []
        self.manage("migrate", "--no-input", "-v", "0")

    def _postgres(self, statement: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def manage(self, *args: str, env=None, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def python(self, code: str, **env):
        """Run code with Django set up in a process of its own; return its JSON."""
        script = "import django, json\ndjango.setup()\n" + code
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def serve(self, workers: int = 2, port: int | None = None, **env) -> "Server":
        server = Server(self, workers, port or free_port(), env)
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self.database:
            self._postgres(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class Server:
    """gunicorn with sync workers; its access log names the worker of each answer."""

    def __init__(self, site: LiveSite, workers: int, port: int, env):
        self.site, self.port = site, port
        self.log = site.tmp / f"access-{port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi",
             "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--access-logfile", str(self.log),
             "--access-logformat", "%(p)s %(s)s %(U)s",
             "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env={**site.env, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{port}"
        if not serving(self.base, self.process, self.process.stderr, seconds=60):
            self.stop()
            raise RuntimeError("gunicorn did not start")

    def get(self, path: str, **headers) -> Answer:
        return fetch(self.base + path, headers)

    def workers_seen(self) -> set[str]:
        """Return the process ids of the workers that answered so far."""
        if not self.log.exists():
            return set()
        return {line.split()[0] for line in self.log.read_text().splitlines() if line}

    def restart_workers(self) -> None:
        """Replace every worker gracefully (what a deploy or max_requests does)."""
        self.process.send_signal(signal.SIGHUP)
        time.sleep(3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


SEED = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Category, Source, Status, Story
from articles.workflow import roles
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
editor = get_user_model().objects.create_user("live-editor", is_staff=True)
editor.groups.add(Group.objects.get(name=roles.EDITOR))
section = Category.objects.create(name="Экономика", slug="ekonomika")
other = Category.objects.create(name="Спорт", slug="sport")
source = Source.objects.create(name="TuraNews", slug="turanews", is_own=True)
now = timezone.now()
ids = {}
for n in range(12):
    story = Story.objects.create(
        headline=f"Жаңалық нөмірі {n} Әңгіме",
        body=f"<p>Мәтін {n}: қазақ тіліндегі жаңалық.</p>",
        language="kk", category=section if n % 2 else other, source=source,
        status=Status.PUBLISHED, published_at=now - timedelta(minutes=5 + n),
    )
    ids[n] = story.pk
print(json.dumps({"stories": ids, "editor": editor.pk}))
"""
