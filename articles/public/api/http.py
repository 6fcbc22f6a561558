"""What every answer of the API goes through, whatever the endpoint.

- a partner's key (``X-API-Key``) is checked and names the client; without one the
  client is its address;
- each client may make so many requests a minute (counted in Django's cache, so
  shared by every process when the cache is): over that, ``429`` with
  ``Retry-After``;
- answers are kept in the cache like the site's pages (same generation, same
  lifetime: none outlives the next scheduled publication) and carry ``ETag``,
  ``Last-Modified`` and ``Cache-Control``; ``If-None-Match``/``If-Modified-Since``
  get ``304``;
- any origin may read them (CORS for GET and HEAD, no credentials).
"""

import hashlib
import math
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext_lazy

from articles.core import cache as caching
from articles.models import ApiKey

KEY_HEADER = "HTTP_X_API_KEY"
WINDOW = 60  # seconds of one rate-limit window
KEY_LOOKUP_TTL = 60  # a changed or deleted key is forgotten at once (see api_keys)
STAMP_TTL = 24 * 60 * 60
ANSWER_KEY = "newsroom:api:answer:{generation}:{digest}"
STAMP_KEY = "newsroom:api:stamp:{digest}"
RATE_KEY = "newsroom:api:rate:{client}:{window}"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The parameters that change an answer. Others are ignored by the endpoints and
# kept out of the cache key, so nobody can fill the cache with junk addresses.
KNOWN_PARAMETERS = frozenset(
    {"language", "section", "source", "author", "tag", "date_from", "date_to"}
    | {"cursor", "limit", "q"}
)
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset"
)
ALLOWED_REQUEST_HEADERS = "X-API-Key, If-None-Match, If-Modified-Since"
CONDITIONS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH"}
    | {"HTTP_IF_UNMODIFIED_SINCE"}
)

ERROR_BAD_KEY = gettext_lazy(
    "This API key is not valid (any more). Ask the newsroom for a new one, or "
    "leave the X-API-Key header out to use the API without a key."
)
ERROR_METHOD = gettext_lazy("Only GET, HEAD and OPTIONS are answered here.")
ERROR_TOO_MANY = gettext_lazy(
    "Too many requests: %(limit)s a minute are allowed. Try again in %(seconds)s "
    "seconds."
)


@dataclass(frozen=True)
class Client:
    ident: str
    limit: int


def api_endpoint(view):
    """Wrap one of the API's views with keys, the rate limit, caching and CORS."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _cors(_preflight())
        if request.method not in SAFE_METHODS:
            refused = _error(405, str(ERROR_METHOD))
            refused["Allow"] = ", ".join(SAFE_METHODS)
            return _cors(refused)
        client = _client(request)
        if client is None:
            return _cors(_error(401, str(ERROR_BAD_KEY)))
        used, reset = _count(client)
        if used > client.limit:
            response = _error(
                429,
                ERROR_TOO_MANY % {"limit": client.limit, "seconds": reset},
            )
            response["Retry-After"] = str(reset)
        else:
            response = _answer(request, view, args, kwargs)  # type: ignore[assignment]
        response["RateLimit-Limit"] = str(client.limit)
        response["RateLimit-Remaining"] = str(max(0, client.limit - used))
        response["RateLimit-Reset"] = str(reset)
        return _cors(response)

    return wrapper


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse(
        {"detail": message, "errors": []},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(SAFE_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
    response["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    return response


# Clients and the rate limit


def client_address(request) -> str:
    """Return the reader's address: from the trusted proxy's header when set."""
    header = settings.NEWSROOM_API_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    # A proxy that appends puts the address it saw last.
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def _client(request) -> Client | None:
    """Return who is asking, or None for a key that is not (any more) valid."""
    raw = request.META.get(KEY_HEADER, "").strip()
    if not raw:
        return Client(f"ip:{client_address(request)}", settings.NEWSROOM_API_RATE)
    digest = ApiKey.hash(raw)
    known = cache.get(ApiKey.cache_key(digest))
    if known is None:
        key = (
            ApiKey.objects.filter(key_hash=digest, active=True)
            .values("pk", "rate_limit")
            .first()
        )
        known = key or {}
        cache.set(ApiKey.cache_key(digest), known, KEY_LOOKUP_TTL)
    if not known:
        return None
    return Client(f"key:{known['pk']}", known["rate_limit"])


def _count(client: Client) -> tuple[int, int]:
    """Count a request; return the requests in this window and its seconds left."""
    now = time.time()
    window = int(now // WINDOW)
    key = RATE_KEY.format(client=client.ident, window=window)
    # One round trip for all but the first request of a window.
    try:
        used = cache.incr(key)
    except ValueError:
        used = 1 if cache.add(key, 1, WINDOW * 2) else cache.incr(key)
    reset = max(1, math.ceil((window + 1) * WINDOW - now))
    return used, reset


# Answers, their cache and conditional requests


def canonical_address(request) -> str:
    """Return the address with only the known parameters, in a fixed order."""
    if not request.GET:
        return request.path
    pairs = sorted(
        (name, value)
        for name in request.GET
        if name in KNOWN_PARAMETERS
        for value in request.GET.getlist(name)[-1:]
    )
    return request.path + (f"?{urlencode(pairs)}" if pairs else "")


def _answer(request, view, args, kwargs) -> HttpResponse:
    digest = hashlib.sha256(canonical_address(request).encode()).hexdigest()
    key = ANSWER_KEY.format(generation=caching.generation(), digest=digest)
    stored = cache.get(key)
    if stored is None:
        response = _call(request, view, args, kwargs)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith(
            "application/json"
        ):
            return _uncached(request, response)
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        ttl = caching.public_ttl()
        stored = {
            "content": response.content,
            "content_type": content_type,
            "etag": etag,
            "modified": (modified := _modified_since(digest, etag)),
            "last_modified": http_date(modified),
            "expires": time.time() + ttl,
        }
        if ttl > 0:
            cache.set(key, stored, ttl)
    response = HttpResponse(stored["content"], content_type=stored["content_type"])
    response["ETag"] = stored["etag"]
    response["Last-Modified"] = stored["last_modified"]
    max_age = max(0, int(stored["expires"] - time.time()))
    response["Cache-Control"] = f"public, max-age={max_age}"
    if CONDITIONS & request.META.keys():
        response = get_conditional_response(  # type: ignore[assignment]
            request,
            etag=stored["etag"],
            last_modified=stored["modified"],
            response=response,
        )
    return _without_body(request, response)


def _uncached(request, response) -> HttpResponse:
    """Answer errors and the docs page as they are, without keeping them."""
    if response.status_code in (400, 404):
        # Like the site's pages: no shared cache keeps them past the next
        # scheduled publication, when a missing story may appear.
        patch_cache_control(response, public=True, max_age=caching.public_ttl())
    return _without_body(request, response)


def _call(request, view, args, kwargs) -> HttpResponse:
    method = request.method
    request.method = "GET"  # HEAD is answered as GET, then without the body
    try:
        return view(request, *args, **kwargs)
    finally:
        request.method = method


def _without_body(request, response) -> HttpResponse:
    if request.method == "HEAD":
        response.content = b""
    return response


def _modified_since(digest: str, etag: str) -> int:
    """Return when this address first gave this answer (seconds since the epoch).

    Each new answer at an address gets a later time than the one before, so
    If-Modified-Since never matches an answer the client has not seen, even when a
    story leaves a list without anything newer entering it.
    """
    key = STAMP_KEY.format(digest=digest)
    known = cache.get(key)
    if known is not None and known[0] == etag:
        return known[1]
    stamp = int(timezone.now().timestamp())
    if known is not None:
        stamp = max(stamp, known[1] + 1)
    cache.set(key, (etag, stamp), STAMP_TTL)
    return stamp
