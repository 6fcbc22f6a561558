"""No usable secret key in the code: each installation makes and keeps its own."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from articles.public import preview

from .factories import make_journalist, make_story
from .test_settings import REAL_KEY, VARS

ROOT = Path(__file__).resolve().parent.parent
# The key settings.py used to fall back to: anyone could read it in the source.
PUBLISHED_KEY = "django-insecure-embedded-default-key-for-local-use-only"
PRINT_KEY = "import django; from django.conf import settings; django.setup(); print(settings.SECRET_KEY)"


def start(var_dir, **env):
    base = {k: v for k, v in os.environ.items() if k not in VARS}
    base.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings", NEWSROOM_VAR_DIR=str(var_dir)
    )
    base.update(env)
    return subprocess.Popen(
        [sys.executable, "-c", PRINT_KEY],
        cwd=ROOT,
        env=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def key_of(process):
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.strip()


@pytest.mark.django_db
def test_the_key_in_the_source_no_longer_opens_a_draft(client):
    draft = make_story("Жарияланбаған жоба", created_by=make_journalist())
    forged = signing.TimestampSigner(key=PUBLISHED_KEY, salt=preview.SALT).sign(
        str(draft.pk)
    )
    response = client.get(reverse("story_share", kwargs={"token": forged}))
    assert response.status_code == 404
    assert "Жарияланбаған жоба" not in response.content.decode()
    # The link the newsroom itself signs still works.
    response = client.get(preview.share_url(draft))
    assert response.status_code == 200
    assert settings.SECRET_KEY != PUBLISHED_KEY


def test_key_is_made_once_kept_private_and_reused(tmp_path):
    first = key_of(start(tmp_path))
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert not first.startswith("django-insecure-")
    assert key_of(start(tmp_path)) == first
    # Another installation gets another key.
    assert key_of(start(tmp_path / "other")) != first
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["secret_key"]


def test_processes_starting_together_agree_on_the_key(tmp_path):
    processes = [start(tmp_path) for _ in range(6)]
    keys = {key_of(process) for process in processes}
    assert len(keys) == 1
    assert keys == {(tmp_path / "secret_key").read_text().strip()}


def test_an_environment_key_wins_and_production_makes_none(tmp_path):
    assert key_of(start(tmp_path, SECRET_KEY=REAL_KEY)) == REAL_KEY
    production = start(tmp_path, NEWSROOM_PRODUCTION="1", ALLOWED_HOSTS="turanews.kz")
    _out, err = production.communicate(timeout=120)
    assert production.returncode != 0
    assert "SECRET_KEY" in err
    assert not (tmp_path / "secret_key").exists()
