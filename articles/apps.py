from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from articles.workflow import revisions, roles  # noqa: F401  (registers Story)

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        from articles.core import cache

        # The purge counter is read once per request (articles.core.cache).
        request_started.connect(cache.begin_request)
        request_finished.connect(cache.end_request)
        from articles.search import signals

        signals.connect_signals()
