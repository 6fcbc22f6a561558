"""What the import commands share: their language, the acting user, a progress bar,
the summary, and making the change reach readers."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from articles.core import cache as caching
from articles.ingest.catalog import importer_user
from articles.ingest.summary import ImportSummary, ItemError
from articles.search import index as search_index

HELP_LANGUAGE = _(
    "Language of the output and of this help: kk, ru or en. Default: the shell's "
    "locale (LC_ALL, LC_MESSAGES, LANG; C means en), else the site's language."
)


HELP_USER = _(
    "Username the import acts as (default: the system account 'importer', "
    "created on first use)."
)


# Django's and argparse's own words in --help, said in the command's language.
STANDARD_HELP = {
    "help": _("Show this help and exit."),
    "version": _("Show the program's version and exit."),
    "verbosity": _(
        "How much to print: 0 only failures, 1 the usual, 2 and 3 more detail."
    ),
    "settings": _(
        "The settings module, e.g. newsroom.settings (default: the "
        "DJANGO_SETTINGS_MODULE environment variable)."
    ),
    "pythonpath": _("A folder to add to the Python path, e.g. /srv/newsroom."),
    "traceback": _("Show the whole traceback when the command fails."),
    "no_color": _("Print without colours."),
    "force_color": _("Print in colour even when the output is not a terminal."),
    "skip_checks": _("Skip the system checks."),
}


USAGE = _("usage: ")


POSITIONAL_TITLE = _("positional arguments")


OPTIONS_TITLE = _("options")


class _HelpFormatter(DjangoHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=prefix or str(USAGE))


def _codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def environment_language(environ=None) -> str:
    """Return kk, ru or en as the shell's locale asks, as gettext reads it.

    The first of LC_ALL, LC_MESSAGES and LANG that is set decides; LANGUAGE (a
    list of preferences) comes before it unless that locale is C. C and POSIX
    mean untranslated, that is English; so does a language the site has no texts
    in. With none of them set (cron), the site's own language (LANGUAGE_CODE).
    """
    environ = os.environ if environ is None else environ
    locale = next(
        (environ[n] for n in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(n)), ""
    )
    plain = locale.split(".")[0].split("@")[0]
    if plain in ("C", "POSIX"):
        return "en"
    for value in [*environ.get("LANGUAGE", "").split(":"), plain]:
        code = value.split("_")[0].split("-")[0].lower()
        if code in _codes():
            return code
    return "en" if plain else settings.LANGUAGE_CODE[:2]


def _language_in_argv(argv: list[str]) -> str | None:
    for position, arg in enumerate(argv):
        if arg.startswith("--language="):
            value = arg.split("=", 1)[1]
        elif arg == "--language" and position + 1 < len(argv):
            value = argv[position + 1]
        else:
            continue
        return value if value in _codes() else None
    return None


class LocalizedCommand(BaseCommand):
    """A command that speaks one language throughout, its help and its output.

    Run from a shell it takes --language, else the shell's locale; called from
    Python (call_command) it keeps the caller's language unless told otherwise.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Read now, in the language the command runs in: argparse wants str.
        self.help = str(self.help)
        kwargs.setdefault("formatter_class", _HelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:
            if action.dest in STANDARD_HELP:
                action.help = str(STANDARD_HELP[action.dest])
        parser._positionals.title = str(POSITIONAL_TITLE)
        parser._optionals.title = str(OPTIONS_TITLE)
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=_codes(), help=HELP_LANGUAGE)

    def run_from_argv(self, argv):
        language = _language_in_argv(argv) or environment_language()
        with translation.override(language):
            super().run_from_argv(argv)

    def execute(self, *args, **options):
        language = options.get("language")
        if not language:
            return super().execute(*args, **options)
        with translation.override(language):
            return super().execute(*args, **options)


class ImportCommand(LocalizedCommand):
    def execute(self, *args, **options):
        self.summary = None
        # Index the imported stories in batches at the end, not one by one.
        with search_index.bulk_indexing():
            result = super().execute(*args, **options)
        summary = self.summary
        if (
            summary is not None
            and summary.created + summary.updated + summary.published
        ):
            # After the index is written: what readers see now includes it all.
            caching.purge_public()
        return result

    def add_arguments(self, parser):
        parser.add_argument("--user", help=HELP_USER)
        super().add_arguments(parser)

    def acting_user(self, options):
        try:
            return importer_user(options.get("user"))
        except ItemError as error:
            raise CommandError(str(error)) from None

    def progress(self, options, total=None, unit="item"):
        """Return a progress bar on a terminal; a silent one in CI or when piped."""
        quiet = (
            options.get("verbosity", 1) == 0
            or not sys.stderr.isatty()
            or bool(os.environ.get("CI"))
        )
        return tqdm(total=total, unit=unit, disable=quiet, file=sys.stderr)

    def report(self, summary: ImportSummary, options) -> None:
        self.summary = summary
        if options.get("verbosity", 1) > 0 or summary.failed:
            self.stdout.write(summary.table())
