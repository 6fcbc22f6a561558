"""
Whole-page cache of the public site for anonymous readers, and its HTTP headers.

``public_page`` marks a view's answers as public: it adds ``Cache-Control`` for
browsers and shared caches, ``ETag``, ``Last-Modified`` and the keys of what the
page shows (``xkey`` for Varnish, ``Surrogate-Key`` for other CDNs). Views name
those keys with ``show``. ``CachedPageMiddleware``, first in the stack, keeps such
answers in the shared cache and serves them to the next anonymous reader before
the rest of the middleware and URL resolution run; see ``articles.core.cache``
for how a page goes stale.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from articles.core import cache as caching
from articles.public import dated

PAGE_KEY = "newsroom:page:{}"
KEY_HEADERS = ("xkey", "Surrogate-Key")
CACHED_PARAMETERS = frozenset({"page", "p"})
STALE_WHILE_REVALIDATE = 30
STALE_IF_ERROR = 24 * 3600
# Headers that belong to one answer, never to a copy served to someone else.
PRIVATE_HEADERS = frozenset({"set-cookie", "date"})
NOT_MODIFIED_HEADERS = (
    "ETag", "Last-Modified", "Cache-Control", "Vary", "Expires", *KEY_HEADERS
)  # fmt: skip


def show(request, *keys: str, stories=(), cards=()) -> None:
    """Note that the page being built shows these keys, these stories in full and
    these stories' cards (a headline, summary and picture that lead to them)."""
    found = getattr(request, "public_keys", None)
    if found is None:
        found = request.public_keys = set()
    found.update(keys)
    found.update(caching.story_key(s.pk) for s in stories if s is not None)
    found.update(caching.card_key(s.pk) for s in cards if s is not None)


def public_page(view):
    """Mark a view's successful answers as public pages, cacheable by key."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.public_keys = {"nav"}
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code == 200 and not response.streaming:
            mark_public(response, request.public_keys, keep_for(request))
        return response

    return wrapper


def public_feed(view):
    """Mark a feed or sitemap: a public page purged with every publication."""

    @wraps(view)
    def listed(request, *args, **kwargs):
        show(request, "feeds")
        return view(request, *args, **kwargs)

    return public_page(listed)


def keep_for(request, seconds: int | None = None) -> int:
    """Return how long the app may keep the page being built (a list's lifetime
    unless a view that knows better, the story page, sets it with ``seconds``)."""
    if seconds is not None:
        request.public_ttl = seconds
    found = getattr(request, "public_ttl", None)
    return found if found is not None else caching.list_ttl()


def cache_control(seconds: int) -> str:
    """Return the Cache-Control of a public page the edge may keep so long."""
    return (
        f"public, max-age=0, s-maxage={seconds}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={STALE_IF_ERROR}"
    )


def mark_public(response, keys, ttl: int | None = None) -> None:
    """Add the edge-cache headers of a public page the app may keep ttl seconds.

    The edge is told to keep it no longer, nor past the next scheduled
    publication: the app purges what a story changes when it goes public, and
    only a request that reaches the app tells it the time has come.
    """
    ttl = caching.list_ttl() if ttl is None else ttl
    response.public_ttl = ttl
    response.page_language = translation.get_language()
    response["Cache-Control"] = cache_control(caching.public_ttl(longest=ttl))
    value = " ".join(sorted(keys))
    for name in KEY_HEADERS:
        response[name] = value
    response["ETag"] = dated.etag(response.content)
    response["Last-Modified"] = http_date()


def cacheable_request(request) -> bool:
    # A session cookie may mean a signed-in editor: serve them fresh pages. Odd
    # query strings are not cached, so nobody can fill the cache with junk keys.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and (not request.GET or CACHED_PARAMETERS.issuperset(request.GET))
    )


def page_key(request) -> str:
    address = f"{release()}|{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())


# What the pages are made from: a new release of it is a new set of pages
# (a story page is kept for days, a deploy should not wait for it).
RELEASE_FOLDERS = ("accounts", "articles", "newsroom", "templates")
RELEASE_SUFFIXES = frozenset({".py", ".html", ".xml", ".txt", ".mo"})


@lru_cache(maxsize=1)
def release() -> str:
    """Return a fingerprint of the code, templates, translations and static
    files' names this process renders pages with (NEWSROOM_RELEASE, if set)."""
    named = getattr(settings, "NEWSROOM_RELEASE", "")
    if named:
        return named
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [
        path
        for folder in RELEASE_FOLDERS
        for path in (base / folder).rglob("*")
        if path.suffix in RELEASE_SUFFIXES and path.is_file()
    ]
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


class CachedPageMiddleware:
    """Serve anonymous readers from the page cache; keep what public views answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        use_cache = settings.NEWSROOM_PAGE_CACHE
        if use_cache:
            key = page_key(request)
            # The counter is read before the page is rendered: a purge that lands
            # while it renders leaves the page stale at once. It is read on every
            # request, so a purge reaches every process at once.
            sequence = caching.generation()
            day = dated.today()
            stored = MEMO.get(key, sequence)
            if stored is None:
                stored = cache.get(key)
                if stored is not None and caching.is_fresh(
                    stored["sequence"], stored["keys"], sequence
                ):
                    self.refresh(key, stored, sequence)
                    MEMO.put(key, stored, sequence)
                else:
                    stored = None
            if stored is not None:
                if stored.get("day", day) != day:
                    stored = self.redate(key, stored, sequence, day)
                return self.replay(request, stored)
        response = self.get_response(request)
        if not self.storable(response):
            return response
        if use_cache:
            MEMO.put(key, self.store(key, response, sequence, day), sequence)
        return conditional(request, response) or response

    @staticmethod
    def storable(response) -> bool:
        return (
            response.status_code == 200
            and "xkey" in response
            and response.get("Cache-Control", "").startswith("public")
            and not response.streaming
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
        )

    @staticmethod
    def refresh(key, stored, sequence) -> None:
        """Store a page found fresh far behind the counter again at the counter."""
        if sequence - stored["sequence"] > caching.REFRESH_AFTER:
            CachedPageMiddleware.keep(key, stored, sequence)

    @staticmethod
    def keep(key, stored, sequence) -> None:
        """Store a page found fresh at counter sequence again, for what is left
        of its lifetime."""
        left = int(stored.get("expires", 0) - time.time())
        if left > 0:
            cache.set(key, {**stored, "sequence": sequence}, left)

    @staticmethod
    def redate(key, stored, sequence, day) -> dict:
        """Write today's date in a page kept from an earlier day, and keep that."""
        stored = dated.redate(stored, day)
        CachedPageMiddleware.keep(key, stored, sequence)
        MEMO.put(key, stored, sequence)
        return stored

    @staticmethod
    def store(key, response, sequence, day) -> dict | None:
        ttl = getattr(response, "public_ttl", None)
        ttl = caching.list_ttl() if ttl is None else ttl
        if ttl <= 0:
            return None
        headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in PRIVATE_HEADERS
        }
        stored = {
            "content": response.content,
            "headers": headers,
            "keys": response["xkey"].split(),
            "sequence": sequence,
            "expires": time.time() + ttl,
        }
        dated.note(stored, response, day)
        cache.set(key, stored, ttl)
        return stored

    @staticmethod
    def replay(request, stored) -> HttpResponse:
        # The edge keeps the copy no longer than the app does, nor past the next
        # scheduled publication (which may have come nearer since it was stored).
        left = int(stored.get("expires", 0) - time.time())
        control = cache_control(caching.public_ttl(longest=max(0, left)))
        headers = {**stored["headers"], "Cache-Control": control}
        response = conditional(request, headers)
        if response is not None:
            return response
        response = HttpResponse(stored["content"])
        # The headers were checked and encoded when the page was first answered:
        # set as they were kept, not one by one again (a third of a hit's time).
        prepared = stored.get("prepared") or prepare_headers(stored["headers"])
        response.headers._store = {
            **prepared,
            "cache-control": ("Cache-Control", control),
        }
        return response


def prepare_headers(headers: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Return headers as a response keeps them (by lower-case name), encoded."""
    return HttpResponse(headers=headers).headers._store


class PageMemo:
    """The pages this process served last, kept in its own memory.

    A hit then costs one read of the shared purge counter instead of a read of
    the whole page from the shared cache. An entry is served only while the
    counter says no purge has named its keys (the same test as for the shared
    copy) and its time to live lasts; the oldest go first beyond ``limit`` bytes.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.pages: OrderedDict[str, dict] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, sequence: int) -> dict | None:
        stored = self.pages.get(key)
        if stored is None:
            return None
        if not sequence:  # the shared counter is out of reach: purges unseen
            self.drop(key)
            return None
        if stored.get("expires", 0) < time.time() or (
            stored["sequence"] != sequence
            and not caching.is_fresh(stored["sequence"], stored["keys"], sequence)
        ):
            self.drop(key)
            return None
        with self.lock:
            if key in self.pages:
                # Fresh as of this counter: no need to look at the purges again.
                self.pages[key] = stored = {**stored, "sequence": sequence}
                self.pages.move_to_end(key)
        return stored

    def put(self, key: str, stored: dict | None, sequence: int) -> None:
        if not sequence or stored is None or len(stored["content"]) > self.limit // 8:
            return
        stored = {**stored, "sequence": sequence}
        stored.setdefault("expires", time.time() + caching.list_ttl())
        stored.setdefault("prepared", prepare_headers(stored["headers"]))
        with self.lock:
            self._remove(key)
            self.pages[key] = stored
            self.size += len(stored["content"])
            while self.size > self.limit:
                self._remove(next(iter(self.pages)))

    def drop(self, key: str) -> None:
        with self.lock:
            self._remove(key)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0

    def _remove(self, key: str) -> None:
        stored = self.pages.pop(key, None)
        if stored is not None:
            self.size -= len(stored["content"])


MEMO = PageMemo(settings.NEWSROOM_PAGE_MEMO_BYTES)


def conditional(request, headers):
    """Return the 304 (or 412) that a conditional request earns, if any."""
    if not (
        "HTTP_IF_NONE_MATCH" in request.META
        or "HTTP_IF_MODIFIED_SINCE" in request.META
        or "HTTP_IF_MATCH" in request.META
        or "HTTP_IF_UNMODIFIED_SINCE" in request.META
    ):
        return None
    response = get_conditional_response(
        request,
        etag=headers.get("ETag"),
        last_modified=parse_http_date_safe(headers.get("Last-Modified")),
    )
    if response is not None and response.status_code == 304:
        for name in NOT_MODIFIED_HEADERS:
            if name in headers:
                response[name] = headers[name]
    return response
