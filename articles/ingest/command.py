"""What the import commands share: the acting user, a progress bar, the summary."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.ingest.catalog import importer_user
from articles.ingest.summary import ImportSummary, ItemError
from articles.search import index as search_index


class ImportCommand(BaseCommand):
    def execute(self, *args, **options):
        # Index the imported stories in batches at the end, not one by one.
        with search_index.bulk_indexing():
            return super().execute(*args, **options)

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            help="Username the import acts as (default: the system account "
            "'importer', created on first use).",
        )

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
        if options.get("verbosity", 1) > 0 or summary.failed:
            self.stdout.write(summary.table())
