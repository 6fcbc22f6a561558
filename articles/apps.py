from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from articles.workflow import revisions, roles  # noqa: F401  (registers Story)

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        from articles.search import signals

        signals.connect_signals()
