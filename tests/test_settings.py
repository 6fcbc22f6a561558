"""Settings modes, each checked in a fresh interpreter with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_KEY = "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'],"
    "'cache': settings.CACHES['default']['BACKEND'], 'hosts': settings.ALLOWED_HOSTS,"
    "'tz': settings.TIME_ZONE, 'ssl': getattr(settings, 'SECURE_SSL_REDIRECT', False),"
    "'email': settings.EMAIL_BACKEND}))"
)
VARS = ["DATABASE_URL", "REDIS_URL", "DEBUG", "NEWSROOM_PRODUCTION", "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ALLOWED_HOSTS", "EMAIL_HOST", "EMAIL_BACKEND"]  # fmt: skip


def run(code_or_args, tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in VARS}
    base.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings", NEWSROOM_VAR_DIR=str(tmp_path)
    )
    base.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True
    )


def probe(tmp_path, **env):
    result = run(PROBE, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default(tmp_path):
    found = probe(tmp_path)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["cache"].endswith("FailOpenDiskCache")
    assert found["debug"] is False
    assert found["tz"] == "Asia/Almaty"
    assert found["email"].endswith("console.EmailBackend")
    assert "127.0.0.1" in found["hosts"]


def test_the_embedded_cache_has_room_for_a_week_of_story_pages(tmp_path):
    """4 GiB of disk by default (a week of 20 KB story pages at 100,000 stories,
    the lists besides), as much as NEWSROOM_CACHE_MB says otherwise."""
    code = (
        "import django; from django.core.cache import cache; django.setup();"
        "print(int(sum(shard.size_limit for shard in cache._cache._shards)))"
    )
    default = run(code, tmp_path)
    assert default.returncode == 0, default.stderr
    assert int(default.stdout) == 4 << 30
    smaller = run(code, tmp_path, NEWSROOM_CACHE_MB="512")
    assert int(smaller.stdout) == 512 << 20


def test_database_and_redis_urls(tmp_path):
    found = probe(
        tmp_path,
        DATABASE_URL="postgres://newsroom@127.0.0.1:5432/newsroom",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert found["engine"] == "newsroom.postgresql"  # Django's, checks spaced
    assert found["cache"].endswith("FailOpenRedisCache")


def test_debug_only_when_asked(tmp_path):
    assert probe(tmp_path, DEBUG="1")["debug"] is True
    assert probe(tmp_path, DEBUG="1", NEWSROOM_PRODUCTION="1", SECRET_KEY=REAL_KEY,
                 ALLOWED_HOSTS="turanews.kz")["debug"] is False  # fmt: skip


@pytest.mark.parametrize("key", ["", "short", "django-insecure-" + "x" * 60, "a" * 60])
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    result = run(PROBE, tmp_path, NEWSROOM_PRODUCTION="1", SECRET_KEY=key,
                 ALLOWED_HOSTS="turanews.kz")  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        NEWSROOM_PRODUCTION="1",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="turanews.kz",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_flagged_by_check_deploy(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path
    )
    assert result.returncode != 0
