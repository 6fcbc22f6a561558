"""Partners' keys to the read API: made, changed and revoked here, nowhere else."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

from articles.models import API_KEY_PREFIX, ApiKey

if TYPE_CHECKING:
    from accounts.models import User

# What a new key looks like: the prefix, then 43 URL-safe characters (256 bits).
KEY_BYTES = 32


# Characters of the key kept in clear, so a chief editor can tell keys apart.
SHOWN_CHARS = len(API_KEY_PREFIX) + 6


def api_key_create(
    *,
    name: str,
    rate_limit: int,
    contact: str = "",
    note: str = "",
    created_by: User,
) -> tuple[ApiKey, str]:
    """Make a key for a partner; return it with the secret, which is never stored."""
    raw = API_KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    key = ApiKey.objects.create(
        name=name,
        contact=contact,
        note=note,
        rate_limit=rate_limit,
        prefix=raw[:SHOWN_CHARS],
        key_hash=ApiKey.hash(raw),
        created_by=created_by,
    )
    return key, raw


def api_key_update(
    *,
    key_id: int,
    name: str,
    rate_limit: int,
    active: bool,
    contact: str = "",
    note: str = "",
) -> ApiKey:
    """Change a key's partner details, limit or state; the API sees it at once."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key_id)
        key.name, key.contact, key.note = name, contact, note
        key.rate_limit, key.active = rate_limit, active
        key.save()
        transaction.on_commit(lambda: cache.delete(ApiKey.cache_key(key.key_hash)))
    return key


def api_key_delete(*, key_id: int) -> None:
    """Delete a key; requests that still send it are refused at once."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key_id)
        key_hash = key.key_hash
        key.delete()
        transaction.on_commit(lambda: cache.delete(ApiKey.cache_key(key_hash)))
