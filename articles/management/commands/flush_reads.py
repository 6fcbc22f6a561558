from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.ingest.command import LocalizedCommand
from articles.public import reads


class Command(LocalizedCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Write the story reads counted in the cache to the database (run often)."
    )

    def handle(self, *args, **options):
        count = reads.flush_all()
        self.stdout.write(_("%(count)d reads written.") % {"count": count})
