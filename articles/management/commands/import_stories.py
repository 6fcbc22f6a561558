"""Import plain-text story files into the review queue, or publish archives."""

from itertools import islice
from pathlib import Path

from django.utils.translation import gettext_lazy

from articles.ingest.catalog import Catalog
from articles.ingest.command import ImportCommand
from articles.ingest.pipeline import story_import
from articles.ingest.summary import ImportSummary, ItemError
from articles.ingest.textfile import (
    ERROR_TOO_MANY_FILES,
    MAX_FILES,
    read_story_file,
    story_files,
)


class Command(ImportCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Import story files (category line, headline, paragraphs, source line) "
        "from files or folders as drafts submitted for review. Files seen before "
        "are matched by category and headline: unchanged ones are skipped, changed "
        "ones update their story while nobody here has touched it. A file that "
        "repeats a story already here (the same language, headline and text) is "
        "skipped and named in the summary. The summary counts each file once: "
        "created, updated, published, skipped or failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--publish",
            action="store_true",
            help=gettext_lazy(
                "Publish the stories at once (for archives). A story imported "
                "earlier and still untouched in review is published too; one the "
                "newsroom has edited since its import is left as it is and "
                "reported as skipped."
            ),
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        user = self.acting_user(options)
        files = list(islice(story_files(options["paths"]), MAX_FILES + 1))
        summary = ImportSummary()
        if len(files) > MAX_FILES:
            files = files[:MAX_FILES]
            summary.warn("", ERROR_TOO_MANY_FILES % {"limit": MAX_FILES})
        catalog = Catalog()
        with self.progress(options, total=len(files), unit="file") as bar:
            for path in files:
                try:
                    item = read_story_file(path, publish=options["publish"])
                except ItemError as error:
                    summary.fail(str(path), str(error))
                else:
                    summary.add(story_import(item=item, user=user, catalog=catalog))
                bar.update(1)
        self.report(summary, options)
