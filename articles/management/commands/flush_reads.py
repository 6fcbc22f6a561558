from django.core.management.base import BaseCommand

from articles.public import reads


class Command(BaseCommand):
    help = "Write the story reads counted in the cache to the database (run often)."

    def handle(self, *args, **options):
        count = reads.flush_all()
        self.stdout.write(f"{count} reads written.")
