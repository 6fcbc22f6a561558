from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.core.renditions import (
    delete_renditions,
    has_private_name,
    make_renditions,
)
from articles.ingest.command import LocalizedCommand
from articles.models import Image


class Command(LocalizedCommand):
    help = gettext_lazy(  # type: ignore[assignment]
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
            _("%(made)d renditions made, %(replaced)d at guessable addresses replaced.")
            % {"made": made, "replaced": replaced}
        )
