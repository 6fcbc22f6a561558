from django.core.management.base import BaseCommand

from articles.core.renditions import make_renditions
from articles.models import Image


class Command(BaseCommand):
    help = "Make the missing resized copies (JPEG and WebP) of every picture."

    def handle(self, *args, **options):
        made = 0
        for image in Image.objects.prefetch_related("renditions").iterator(
            chunk_size=200
        ):
            before = len(image.renditions.all())
            made += len(make_renditions(image)) - before
        self.stdout.write(f"{made} renditions made.")
