"""Every command speaks one language: its help and its output, as asked or as the
shell's locale says."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from articles.ingest.command import environment_language
from articles.ingest.summary import OUTCOME_LABELS, Outcome
from tests.test_import_duplicates import story_file

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_summary_follows_the_language_asked_for(tmp_path, language):
    out = run("import_stories", story_file(tmp_path), language=language)
    with translation.override(language):
        heads = [str(label) for label in OUTCOME_LABELS.values()]
    assert [h.strip() for h in out.splitlines()[1].strip("|").split("|")] == heads


def test_called_from_python_a_command_keeps_the_callers_language(tmp_path):
    with translation.override("ru"):
        out = run("import_stories", story_file(tmp_path))
        created = str(OUTCOME_LABELS[Outcome.CREATED])
    assert created == "создан"
    assert created in out.splitlines()[1]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "kk_KZ.UTF-8"}, "kk"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "POSIX", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LC_MESSAGES": "kk_KZ", "LANG": "ru_RU.UTF-8"}, "kk"),
        ({"LANGUAGE": "kk:ru", "LANG": "ru_RU.UTF-8"}, "kk"),
        ({"LANGUAGE": "kk", "LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "kk"),  # cron: nothing set, the site's language
    ],
)
def test_the_shell_locale_picks_the_language(environ, language):
    assert environment_language(environ) == language


def manage(*args, env=None):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    ("env", "args", "phrase"),
    [
        ({"LANG": "ru_RU.UTF-8"}, [], "Импортировать файлы с материалами"),
        ({"LANG": "kk_KZ.UTF-8"}, [], "Жаңалық файлдарын"),
        ({"LANG": "C.UTF-8"}, [], "Import story files"),
        ({"LANG": "C.UTF-8"}, ["--language", "ru"], "Импортировать файлы"),
    ],
)
def test_help_is_in_the_shells_language(env, args, phrase):
    assert phrase in manage("import_stories", "--help", *args, env=env)


def test_help_and_summary_of_a_shell_run_speak_the_same_language(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage("migrate", "-v", "0", env=database)
    env = {**database, "LANG": "ru_RU.UTF-8", "MEDIA_ROOT": str(tmp_path)}
    out = manage("import_stories", story_file(tmp_path), env=env)
    assert "создан" in out.splitlines()[1]
    assert "Импортировать файлы" in manage("import_stories", "--help", env=env)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["қолданылуы:", "параметрлер:", "Осы анықтаманы көрсетіп, шығу."]),
        ("ru", ["использование:", "параметры:", "Показать эту справку и выйти."]),
    ],
)
def test_the_standard_options_speak_the_language_too(language, words):
    from articles.management.commands.import_wordpress import Command

    with translation.override(language):
        text = Command().create_parser("manage.py", "import_wordpress").format_help()
    for word in words:
        assert word in text
    for english in ("show this help message", "Verbosity level", "usage:"):
        assert english not in text
