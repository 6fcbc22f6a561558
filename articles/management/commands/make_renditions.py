from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.core.renditions import make_renditions
from articles.ingest.command import LocalizedCommand
from articles.models import Image


class Command(LocalizedCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Make the missing resized copies (JPEG and WebP) of every picture."
    )

    def handle(self, *args, **options):
        made = 0
        for image in Image.objects.prefetch_related("renditions").iterator(
            chunk_size=200
        ):
            before = len(image.renditions.all())
            made += len(make_renditions(image)) - before
        self.stdout.write(_("%(count)d renditions made.") % {"count": made})
