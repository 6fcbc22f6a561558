import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.search import index as search_index


class Command(BaseCommand):
    help = "Index every story for search from scratch."

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():
            count = search_index.rebuild_index()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} stories in {time.perf_counter() - started:.1f} s."
            )
        )
