"""
The rails beside the lists: the latest and the most read stories of a language.

Every list page and the front page show them; they are built once a minute,
or at once when a story of the language is published, withdrawn or edited, and
list pages take them rendered, once per edition and day.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from articles.core import cache as caching
from articles.core import fragments
from articles.models import Story
from articles.public import edition, reads

RAIL_SIZE = 8


RAILS_KEY = "newsroom:rails:{}"
RAILS_TTL = 60


def side_rails(lang: str) -> tuple[list[Story], list[Story]]:
    """Return the latest and most read stories of a language, shared by every list.

    Kept in the cache for a minute, and rebuilt at once when a story of the
    language is published, withdrawn or edited.
    """

    def build():
        rail = list(
            Story.objects.published()
            .in_language(lang)
            .select_related("category")
            .only(*reads.LINK_FIELDS)
            .order_by("-published_at")[:RAIL_SIZE]
        )
        most_read = list(reads.most_read(lang))
        keys = {f"lang-{lang}", *(caching.card_key(s.pk) for s in [*rail, *most_read])}
        return keys, (rail, most_read)

    return fragments.fragment(RAILS_KEY.format(lang), RAILS_TTL, build)


RAILS_HTML_KEY = "newsroom:rails-html:{}:{}"


def list_rails(lang: str) -> tuple[tuple[int, ...], str]:
    """Return the ids and the rendered rails beside every list page of a language.

    Rendered once per edition and day (a rail shows today's times alone) and
    shared until the rails change, as side_rails is.
    """

    def build():
        rail, most_read = side_rails(lang)
        edition.spell_stories([*rail, *most_read])
        html = render_to_string(
            "includes/list_rails.html",
            {"rail_latest": rail, "most_read": most_read},
            using="jinja2",
        )
        keys = {f"lang-{lang}", *(caching.card_key(s.pk) for s in [*rail, *most_read])}
        return keys, (tuple(s.pk for s in [*rail, *most_read]), html)

    key = RAILS_HTML_KEY.format(translation.get_language(), timezone.localdate())
    return fragments.fragment(key, RAILS_TTL, build)
