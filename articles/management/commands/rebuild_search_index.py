import time

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.ingest.command import LocalizedCommand
from articles.search import index as search_index


class Command(LocalizedCommand):
    help = gettext_lazy("Index every story for search from scratch.")  # type: ignore[assignment]

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():
            count = search_index.rebuild_index()
        self.stdout.write(
            self.style.SUCCESS(
                _("Indexed %(count)d stories in %(seconds).1f s.")
                % {"count": count, "seconds": time.perf_counter() - started}
            )
        )
