"""The kk_Latn catalogues are the Kazakh ones, spelled, and kept up to date."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from articles.core.latin import to_latin

LOCALE = Path(settings.BASE_DIR) / "newsroom"


def test_committed_catalogues_are_what_the_command_writes(tmp_path):
    call_command("make_latin_catalogue", output=tmp_path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for folder in ("locale", "locale_django"):
        fresh = tmp_path / folder / "kk_Latn/LC_MESSAGES/django.po"
        committed = LOCALE / folder / "kk_Latn/LC_MESSAGES/django.po"
        assert fresh.read_text() == committed.read_text(), (
            f"{committed} is stale: run `python manage.py make_latin_catalogue`"
        )


def test_every_kazakh_string_has_its_latin_twin():
    kazakh = polib.pofile(str(LOCALE / "locale/kk/LC_MESSAGES/django.po"))
    latin = {
        (e.msgctxt, e.msgid): e
        for e in polib.pofile(str(LOCALE / "locale/kk_Latn/LC_MESSAGES/django.po"))
    }
    for entry in kazakh.translated_entries():
        twin = latin[(entry.msgctxt, entry.msgid)]
        assert twin.msgstr == to_latin(entry.msgstr)


def test_the_latin_interface_comes_from_the_catalogue():
    with translation.override("kk-latn"):
        assert translation.gettext("Corrections") == "Tüzetuler"
    for context, word in (("alt. month", "December"), (None, "Page not found")):
        with translation.override("kk"):
            kazakh = translation.pgettext(context, word) if context else _(word)
        with translation.override("kk-latn"):
            spelled = translation.pgettext(context, word) if context else _(word)
        # Django's own strings too (month names in dates), not the kk fallback.
        assert kazakh != word and spelled == to_latin(kazakh) != kazakh
    with translation.override("kk"):
        assert translation.gettext("Corrections") == "Түзетулер"
