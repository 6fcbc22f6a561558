from django.core.management.base import BaseCommand

from articles.core.renditions import (
    delete_renditions,
    has_private_name,
    make_renditions,
)
from articles.models import Image


class Command(BaseCommand):
    help = (
        "Make the missing resized copies (JPEG and WebP) of every picture, and "
        "replace copies stored by older versions at guessable addresses "
        "(renditions/<picture number>/…) with copies at random ones."
    )

    def handle(self, *args, **options):
        made = replaced = 0
        for image in Image.objects.prefetch_related("renditions").iterator(
            chunk_size=200
        ):
            guessable = [r for r in image.renditions.all() if not has_private_name(r)]
            if guessable:
                delete_renditions(image, guessable)
                replaced += len(guessable)
            before = image.renditions.count()
            made += len(make_renditions(image)) - before
        self.stdout.write(
            f"{made} renditions made, {replaced} at guessable addresses replaced."
        )
