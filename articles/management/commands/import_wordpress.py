"""Import a WordPress export (WXR), keeping statuses, dates and old addresses."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.ingest.catalog import Catalog
from articles.ingest.command import ImportCommand
from articles.ingest.summary import ItemError
from articles.ingest.wordpress import wordpress_import
from articles.ingest.wxr import count_posts, read_export


class Command(ImportCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Import the posts of a WordPress WXR export with their status, categories "
        "(nested ones under their parents; a category that only marks a language "
        "sets the story's language instead), tags, authors, dates (publication and "
        "last change at the source), slugs and featured images; old addresses and "
        "short links (/?p=ID) redirect. A post with a password is never published: "
        "it comes in unpublished (in review, or a draft), with an internal note "
        "saying why. Pictures in the posts' text whose files are under --media-dir "
        "are stored once and the text points at them; a picture that cannot be "
        "brought in is removed from the text and listed as a warning. A post "
        "published at the source since an earlier run is published here too while "
        "its story is untouched in review. The summary counts each post once."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, metavar="EXPORT.xml")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help=gettext_lazy(
                "Folder holding the site's wp-content/uploads files "
                "(default: 'uploads' beside the export, if present)."
            ),
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        path = options["export"]
        media_dir = options["media_dir"]
        if media_dir is None and (path.parent / "uploads").is_dir():
            media_dir = path.parent / "uploads"
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(_("%(path)s is not a folder.") % {"path": media_dir})
        try:
            export = read_export(path)
            total = count_posts(export)
        except ItemError as error:
            raise CommandError(f"{path}: {error}") from None
        user = self.acting_user(options)
        with self.progress(options, total=total, unit="item") as bar:
            summary = wordpress_import(
                path=path,
                user=user,
                media_dir=media_dir,
                catalog=Catalog(),
                progress=bar,
                export=export,
            )
        self.report(summary, options)
