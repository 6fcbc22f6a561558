"""Poll the sources' feeds (for cron or a systemd timer)."""

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.ingest.catalog import Catalog
from articles.ingest.command import ImportCommand
from articles.ingest.rss import DEFAULT_TIMEOUT, feed_ingest
from articles.ingest.summary import ImportSummary
from articles.models import SourceFeed


class Command(ImportCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Fetch every active source feed (conditional GET, with a timeout) and "
        "import new items as drafts submitted for review. An item that repeats a "
        "story already here (the same original address, or the same language, "
        "headline and text) is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--feed",
            action="append",
            default=[],
            metavar="ID_OR_URL",
            help=gettext_lazy("Poll only this feed (repeatable); inactive feeds too."),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=gettext_lazy("Seconds to wait for each feed (default %(default)s)."),
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        if options["timeout"] <= 0:
            raise CommandError(_("--timeout must be positive."))
        feeds = SourceFeed.objects.select_related("source", "category")
        if options["feed"]:
            wanted = Q(url__in=options["feed"])
            ids = [f for f in options["feed"] if f.isdigit()]
            if ids:
                wanted |= Q(pk__in=ids)
            feeds = feeds.filter(wanted)
        else:
            feeds = feeds.filter(active=True)
        user = self.acting_user(options)
        catalog = Catalog()
        summary = ImportSummary()
        feeds = list(feeds)  # type: ignore[assignment]
        with self.progress(options, total=len(feeds), unit="feed") as bar:
            for feed in feeds:
                summary.merge(
                    feed_ingest(
                        feed=feed,
                        user=user,
                        catalog=catalog,
                        timeout=options["timeout"],
                    )
                )
                bar.update(1)
        self.report(summary, options)
