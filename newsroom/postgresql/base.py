"""
Django's PostgreSQL backend with its health checks spaced out.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of
every request, so that a connection the server dropped (a restart, a failover)
is replaced instead of failing a reader's request. On a busy worker that is a
round trip per page for a connection checked a moment ago. A connection checked
less than ``RECHECK_AFTER`` seconds ago is taken as sound: a server restart takes
longer than that, so the first request after one is still checked.
"""

import time

from django.db.backends.postgresql import base

RECHECK_AFTER = 0.5


class DatabaseWrapper(base.DatabaseWrapper):
    checked_at = float("-inf")

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.settings_dict["CONN_HEALTH_CHECKS"]
            and not getattr(self, "health_check_done", False)
            and time.monotonic() - self.checked_at < RECHECK_AFTER
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        if self.connection is not None:
            self.checked_at = time.monotonic()

    def connect(self) -> None:
        super().connect()
        self.checked_at = time.monotonic()  # a new connection is sound
