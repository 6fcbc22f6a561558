"""
Hit ratio of the page cache under editorial work: purge by key against purging
everything. A simulation, no HTTP: the real purge log, purge marks and freshness
rule of ``articles.core.cache`` on a local-memory cache with a simulated clock.

100,000 stories (Kazakh, Russian, English) in 50 sections and 20 sources; an
hour of reads at a steady rate, counted after a day of warm-up (a site's cache is
never empty; ``--warmup`` in minutes), story pages picked by a Zipf law over
recency (new stories are read most, the archive has a long tail), plus front
pages, section pages and feeds; one publication or edit of a published story
every two minutes, one publication in four going public by the clock
(scheduled), one edit in four changing what the story's card shows. Each page
carries the keys the real views give it (the story in full, the cards of its
related stories, its section and source; the cards a list shows, its list key,
the language; ``front``, ``feeds``) and lives as long as the app keeps it (story
pages for days, lists for minutes); each change purges the keys the real
workflow services name, and a page found fresh far behind the purge counter is
stored again at the counter, as the page cache does. Prints the hit ratio of
each policy: purging everything at every change (as at first); purging by key
with story pages kept six hours and taken as stale beyond the purge log's reach
(as until purge marks); purging by key, story pages kept for days (now); never
purging (the ceiling).

    .venv/bin/python bench/purge_simulation.py [--policies keys,never] [--warmup MIN]
        [--capacity ENTRIES]
"""

import argparse
import bisect
import itertools
import os
import random
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "purge-simulation",
        "OPTIONS": {"MAX_ENTRIES": 10_000_000, "CULL_FREQUENCY": 0},
    }
}

from django.core.cache import caches  # noqa: E402

from articles.core import cache as caching  # noqa: E402
from articles.core import purge_marks  # noqa: E402

# The cache itself rather than the per-thread proxy, without the memcached key
# warnings: a third of the simulation's time, none of what it measures.
cache = caches["default"]
cache.validate_key = lambda key: None
caching.cache = purge_marks.cache = cache

LANGUAGES = (("kk", 0.6), ("ru", 0.3), ("en", 0.1))
SECTIONS, SOURCES = 50, 20
PAGE_SIZE, RAIL, RELATED, FEED, HOME_LATEST, BLOCK = 20, 8, 4, 30, 13, 4
TTL = caching.PUBLIC_TTL
STORY_TTL = caching.STORY_TTL


class Clock:
    """The simulated clock, read by the local-memory cache for expiry."""

    start = now = time.time()

    def time(self):
        return self.now


class Newsroom:
    """Stories as the views see them: per language, per section, newest first."""

    def __init__(self, count: int, rng: random.Random):
        self.rng = rng
        self.language, self.section, self.source = {}, {}, {}
        self.by_lang = {code: [] for code, _ in LANGUAGES}  # oldest first
        self.by_section = {}  # (lang, section) -> ids, oldest first
        self.next_id = 1
        for _ in range(count):
            self.publish()

    def publish(self) -> int:
        pk, self.next_id = self.next_id, self.next_id + 1
        lang = self.rng.choices([c for c, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        self.language[pk] = lang
        self.section[pk] = self.rng.randrange(SECTIONS)
        self.source[pk] = self.rng.randrange(SOURCES)
        self.by_lang[lang].append(pk)
        self.by_section.setdefault((lang, self.section[pk]), []).append(pk)
        return pk

    def newest(self, ids, count, skip=0):
        end = len(ids) - skip
        return ids[max(0, end - count) : max(0, end)][::-1]

    def keys_of_story_page(self, pk):
        lang, section = self.language[pk], self.section[pk]
        related = self.newest(self.by_section[(lang, section)], RELATED + 1)
        return {
            "nav",
            f"section-{section}",
            f"source-{self.source[pk]}",
            caching.story_key(pk),
            *(caching.card_key(s) for s in related if s != pk),
        }

    def keys_of_section_page(self, lang, section, page):
        ids = self.by_section.get((lang, section), [])
        shown = self.newest(ids, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        rail = self.newest(self.by_lang[lang], RAIL)
        return {
            "nav",
            f"section-{section}",
            f"section-{section}-list",
            *(caching.card_key(s) for s in [*shown, *rail]),
        }

    def keys_of_front_page(self, lang):
        shown = self.newest(self.by_lang[lang], HOME_LATEST)
        for section in range(SECTIONS):
            shown += self.newest(self.by_section.get((lang, section), []), BLOCK)
        return {
            "nav",
            "front",
            f"lang-{lang}",
            *(f"section-{s}" for s in range(SECTIONS)),
            *(caching.card_key(s) for s in shown),
        }

    def change_keys(self, pk, published: bool, card: bool) -> set[str]:
        """What the workflow services purge for a publication or an edit."""
        keys = {caching.story_key(pk), "feeds"}
        if published or card:
            keys.add(caching.card_key(pk))
        if published:
            keys |= caching.listed_in(
                language=self.language[pk],
                category_id=self.section[pk],
                source_id=self.source[pk],
            )
        return keys


def zipf_picker(n: int, s: float, rng: random.Random):
    weights = list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(n)))
    total = weights[-1]
    return lambda: bisect.bisect_left(weights, rng.random() * total)


def change_kinds(args, seconds: float) -> list[str]:
    """Return what each change every two minutes is, the same for every policy:
    a publication by hand ("hand"), by the clock ("clock", scheduled) or an edit."""
    rng = random.Random(args.seed + 1)
    kinds = []
    for _ in range(int(seconds // 120.0) + 2):
        if rng.random() < 0.5:
            kinds.append("clock" if rng.random() < args.scheduled else "hand")
        else:
            kinds.append("edit")
    return kinds


HOURS = 6 * 3600  # story pages' lifetime until they were kept for days


def simulate(args, policy: str) -> tuple[int, int, int, dict[str, int]]:
    rng = random.Random(args.seed)
    clock = Clock()
    cache.clear()
    # A cache with room for so many entries drops the least recently used
    # (about Redis with maxmemory-policy allkeys-lru); none: room for all.
    cache._max_entries = args.capacity or 10_000_000
    cache._cull_frequency = 100 if args.capacity else 0
    newsroom = Newsroom(args.stories, rng)
    caching.start_sequence()
    story_rank = zipf_picker(args.stories, args.zipf, rng)
    section_rank = zipf_picker(SECTIONS, 0.8, rng)
    page_rank = zipf_picker(50, 1.5, rng)
    hits = requests = purged = 0
    missed: dict[str, int] = {}
    story_ttl = HOURS if policy == "hours" else args.story_ttl
    warmup = args.warmup * 60
    seconds = warmup + args.minutes * 60
    every = 1.0 / args.rate
    next_change, t = 120.0, 0.0
    changes = change_kinds(args, seconds)
    due_times = [120.0 * (n + 1) for n, kind in enumerate(changes) if kind == "clock"]
    # At first a story going public by the clock purged everything, and no page
    # was kept past the next one.
    by_the_clock = "everything" if policy == "everything" else "keys"
    # Before purge marks, a page further behind than the log reached was stale.
    marks = purge_marks.fresh if policy != "hours" else (lambda *_args: False)
    with (
        mock.patch("django.core.cache.backends.locmem.time", clock),
        mock.patch("django.core.cache.backends.base.time", clock),
        # Scheduled stories are simulated here: no database to look them up in.
        mock.patch.object(caching, "next_scheduled", return_value=None),
        mock.patch.object(caching, "look_ahead", return_value=(False, 0)),
        mock.patch.object(caching, "story_ttl", return_value=story_ttl),
        mock.patch.object(purge_marks, "fresh", marks),
    ):
        while t < seconds:
            clock.now = clock.start + t
            if t >= next_change:
                kind = changes[int(next_change // 120.0) - 1]
                next_change += 120.0
                if kind != "edit":
                    pk = newsroom.publish()
                else:  # an edit of a recent story, read ones most often
                    lang = rng.choices([c for c, _ in LANGUAGES], [0.6, 0.3, 0.1])[0]
                    ids = newsroom.by_lang[lang]
                    pk = ids[-1 - min(len(ids) - 1, story_rank() // 3)]
                published = pk == newsroom.next_id - 1
                card = published or rng.random() < args.card_edits
                keys = newsroom.change_keys(pk, published, card)
                if kind == "clock" and by_the_clock == "everything":
                    keys = None
                if policy == "everything":
                    keys = None
                if policy != "never":
                    caching.purge_public(keys)
            lang = rng.choices([c for c, _ in LANGUAGES], [0.6, 0.3, 0.1])[0]
            kind = rng.random()
            ttl = args.ttl
            if kind < 0.80:
                ids = newsroom.by_lang[lang]
                pk = ids[-1 - min(len(ids) - 1, story_rank())]
                address, keys = f"story/{pk}", newsroom.keys_of_story_page(pk)
                ttl = story_ttl
            elif kind < 0.90:
                address, keys = f"front/{lang}", newsroom.keys_of_front_page(lang)
            elif kind < 0.97:
                section, page = (
                    section_rank(),
                    1 + (page_rank() if rng.random() < 0.3 else 0),
                )
                address = f"section/{lang}/{section}/{page}"
                keys = newsroom.keys_of_section_page(lang, section, page)
            else:
                address, keys = f"feed/{lang}", {"nav", "feeds"}
            counted = t >= warmup
            requests += counted
            sequence = caching.snapshot()[0]
            stored = cache.get(address)
            if stored is not None and caching.is_fresh(stored[0], stored[1], sequence):
                hits += counted
                if sequence - stored[0] > caching.REFRESH_AFTER:  # as the app does
                    cache.set(address, (sequence, *stored[1:]), stored[2] - t)
            else:
                purged += counted and stored is not None  # kept, unexpired, but stale
                page = address.split("/")[0]
                missed[page] = missed.get(page, 0) + counted
                if by_the_clock == "everything":
                    due = bisect.bisect_right(due_times, t)
                    if due < len(due_times):
                        ttl = min(ttl, due_times[due] - t)
                cache.set(address, (sequence, keys, t + ttl), ttl)
            t += every
    return hits, requests, purged, missed


POLICIES = {
    "everything": "purge everything (at first)",
    "hours": "by key, story pages 6 h",
    "keys": "by key, story pages days",
    "never": "never purged (the ceiling)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50.0, help="requests a second")
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--zipf", type=float, default=1.0, help="exponent of reads")
    parser.add_argument("--ttl", type=int, default=TTL, help="page lifetime, s")
    parser.add_argument(
        "--card-edits",
        type=float,
        default=0.25,
        help="share of edits that change a story's headline, summary or picture",
    )
    parser.add_argument(
        "--story-ttl", type=int, default=STORY_TTL, help="story page lifetime, s"
    )
    parser.add_argument(
        "--warmup", type=int, default=24 * 60, help="minutes run before counting"
    )
    parser.add_argument(
        "--capacity",
        type=int,
        default=0,
        help="entries the cache has room for, the least recently used dropped "
        "first (default: room for all)",
    )
    parser.add_argument(
        "--policies",
        default=",".join(POLICIES),
        help=f"which of {', '.join(POLICIES)} to run",
    )
    parser.add_argument(
        "--scheduled",
        type=float,
        default=0.25,
        help="share of publications that go public by the clock (scheduled)",
    )
    args = parser.parse_args()
    print(
        f"{args.stories:,} stories, {args.rate:g} requests/s for {args.minutes} "
        f"minutes after {args.warmup} of warm-up, Zipf exponent {args.zipf:g}, one "
        f"publication or edit every 2 minutes ({args.scheduled:.0%} of publications "
        f"scheduled, {args.card_edits:.0%} of edits change a card), lifetime "
        f"{args.story_ttl} s for story pages, {args.ttl} s for others, "
        + (f"room for {args.capacity:,} entries" if args.capacity else "room for all")
    )
    print(
        f"{'policy':<28} {'requests':>9} {'hits':>9} {'hit ratio':>10} "
        f"{'purged':>8} {'hits of kept pages':>19}"
    )
    for policy in args.policies.split(","):
        hits, requests, purged, missed = simulate(args, policy)
        kept = hits / (hits + purged) if hits + purged else 0
        print(
            f"{POLICIES[policy]:<28} {requests:>9,} {hits:>9,} "
            f"{hits / requests:>9.1%} {purged:>8,} {kept:>18.1%}   misses: "
            + ", ".join(f"{page} {n / requests:.2%}" for page, n in missed.items()),
            flush=True,
        )
    print(
        "purged: requests for a page still in the cache, unexpired, but stale "
        "after a purge;\nhits of kept pages: hits / (hits + purged), what the "
        "purge policy alone decides\n(the other misses are first requests and "
        "pages past their lifetime); misses: share of all requests, by page."
    )


if __name__ == "__main__":
    main()
