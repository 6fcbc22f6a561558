"""
Purging the edge cache (Varnish with the xkey module, see deploy/varnish/).

``NEWSROOM_VARNISH_PURGE_URLS`` lists the Varnish servers to tell; with none
configured nothing is sent. Each purge is one ``PURGE`` request per server naming
the keys in an ``xkey-purge`` header; an edge that does not answer is logged and
skipped (its pages then live until their ``s-maxage``), never an editor's error.
"""

import http.client
import logging
import urllib.parse
from collections.abc import Iterable

from django.conf import settings

logger = logging.getLogger("articles.cache")

TIMEOUT_SECONDS = 2.0


def purge(keys: Iterable[str]) -> int:
    """Tell every configured Varnish to drop the objects tagged with keys."""
    urls = getattr(settings, "NEWSROOM_VARNISH_PURGE_URLS", [])
    keys = sorted(set(keys))
    if not urls or not keys:
        return 0
    told = 0
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port or 80, timeout=TIMEOUT_SECONDS
        )
        try:
            connection.request(
                "PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)}
            )
            answer = connection.getresponse()
            answer.read()
            if answer.status == 200:
                told += 1
            else:
                logger.warning("Varnish at %s refused a purge: %s", url, answer.status)
        except OSError as error:
            logger.warning("Varnish at %s did not take a purge: %s", url, error)
        finally:
            connection.close()
    return told
