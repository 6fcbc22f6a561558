"""The Jinja2 environment of the readers' pages (templates/jinja2/).

The readers' pages are rendered with Jinja2, in about two thirds of the time the
Django template language took (the front page in 10 ms of CPU instead of 15); the
admin and the accounts pages stay on the latter. The environment gives the
templates what Django's tags gave them, with Django's semantics: escaping
(MarkupSafe's C escaping, which spells quotes &#34; and &#39; where Django
wrote &quot; and &#x27;), translations from the same catalogues, dates in the
current time zone and language, and the helpers of articles.templatetags.newsroom.
"""

import functools
import unicodedata
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.template.backends import jinja2 as backend
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone, translation
from jinja2 import ChainableUndefined, Environment, pass_context
from markupsafe import Markup

from articles.templatetags import newsroom as helpers

# Translations and addresses are the same for every page of a language: a page
# looks up fifty of them, each costing Django several context-local lookups.
_memo: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(**kwargs):
    _memo.clear()
    _kept.clear()


# The language and time zone of the page being rendered. Nothing in a template
# changes them, and Django keeps them in context-locals that cost a few
# microseconds a read: a page read them a hundred times.
_rendering: ContextVar[tuple[str, str] | None] = ContextVar("rendering", default=None)


def _language() -> str:
    found = _rendering.get()
    return found[0] if found is not None else translation.get_language()


def _zone() -> str:
    found = _rendering.get()
    return found[1] if found is not None else timezone.get_current_timezone_name()


class Template(backend.Template):
    def render(self, context=None, request=None):
        token = _rendering.set(
            (translation.get_language(), timezone.get_current_timezone_name())
        )
        try:
            return super().render(context, request)
        finally:
            _rendering.reset(token)


class Jinja2(backend.Jinja2):
    """Django's Jinja2 backend, rendering with the page's language noted once."""

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


def url(name, *args, **kwargs):
    """Return the path of a named view, as the url tag does."""
    key = (
        "url",
        _language(),
        get_script_prefix(),
        get_urlconf(),
        name,
        args,
        tuple(sorted(kwargs.items())),
    )
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = reverse(name, args=args, kwargs=kwargs)
    return found


def _translated(function, *message):
    key = (function.__name__, _language(), *message)
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = function(*message)
    return found


def date(value, format_name=None):
    """Format a moment as the date filter does: in the current time zone.

    The same stories' times come back on page after page (lists, rails, related
    stories), and Django's formatting is slow: the texts are kept per language.
    """
    if isinstance(value, datetime) and timezone.is_aware(value):
        return _local_date(value, format_name, _language(), _zone())
    return defaultfilters.date(value, format_name)


@functools.lru_cache(maxsize=4096)
def _local_date(value, format_name, language, zone):
    return defaultfilters.date(timezone.localtime(value), format_name)


def news_time(moment):
    """The news_time filter (the time for today's stories, the day and time for
    older ones), kept per language and day like dates."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        return _news_time(moment, _language(), _zone(), timezone.localdate())
    return helpers.news_time(moment)


@functools.lru_cache(maxsize=4096)
def _news_time(moment, language, zone, today):
    return helpers.news_time(moment)


def later_minute(moment, other):
    """Whether moment falls in a later minute than other (an update worth showing),
    as their times shown to the minute would say: the time zone's offset is whole
    minutes, so the minutes compare alike in UTC, without formatting either."""
    if not (isinstance(moment, datetime) and isinstance(other, datetime)):
        return False
    return moment.replace(second=0, microsecond=0) > other.replace(
        second=0, microsecond=0
    )


def truncatechars(value, length):
    """Django's truncatechars, without its work for a text already short enough."""
    if (
        isinstance(value, str)
        and len(value) <= int(length)
        and unicodedata.is_normalized("NFC", value)
    ):
        return value
    return defaultfilters.truncatechars(value, length)


def now(format_name):
    """Format the present moment as the now tag does (a date or a year: the
    formats the pages use change once a day, so the text is kept for the day)."""
    moment = timezone.localtime()
    key = ("now", _language(), format_name, moment.date())
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = defaultfilters.date(moment, format_name)
    return found


def static_url(path):
    """Return a static file's address (with its content hash), as the static tag."""
    key = ("static", path)
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = static(path)
    return found


def available_languages():
    """Return (code, name) of each language of the site, as get_available_languages."""
    return [(code, translation.gettext(str(name))) for code, name in settings.LANGUAGES]


@pass_context
def section_links(context, mark_current=True):
    return helpers.section_links(context, mark_current)


# The masthead and the footer are the same on every page of a language but for
# the section links (the current one marked in the masthead): each is rendered
# once per language, site name, year and links, and written out again after.
_kept: dict[tuple, Markup] = {}
KEPT_LIMIT = 512


def _render_kept(context, name: str, key: tuple, **values) -> Markup:
    found = _kept.get(key)
    if found is None:
        if len(_kept) >= KEPT_LIMIT:
            _kept.clear()
        template = context.environment.get_template(name)
        found = _kept[key] = Markup(template.render(values))
    return found


@pass_context
def masthead(context):
    values = {
        "nav": helpers.section_links(context),
        "site_name": context.get("site_name"),
        "is_home": bool(context.get("is_home")),
        "query": context.get("query") or "",
    }
    if values["query"]:  # the search page: the form shows the reader's words
        name = "includes/masthead.html"
        return Markup(context.environment.get_template(name).render(values))
    key = ("masthead", _language(), *values.values())
    return _render_kept(context, "includes/masthead.html", key, **values)


@pass_context
def footer(context):
    values = {
        "nav": helpers.section_links(context, mark_current=False),
        "site_name": context.get("site_name"),
    }
    key = ("footer", _language(), now("Y"), *values.values())
    return _render_kept(context, "includes/footer.html", key, **values)


@pass_context
def page_url(context, number):
    return helpers.page_url(context, number)


# Translations escape what they are given as Django's blocktranslate does.
def _format(context, text, variables):
    if not context.eval_ctx.autoescape:
        return text % variables
    return Markup(text) % variables


@pass_context
def gettext(context, message, **variables):
    if not variables and context.eval_ctx.autoescape:
        # Most texts of a page: kept ready to be written out.
        key = ("markup", _language(), message)
        found = _memo.get(key)
        if found is None:
            found = _memo[key] = Markup(translation.gettext(message)) % {}
        return found
    return _format(context, _translated(translation.gettext, message), variables)


def content_lang(story_language):
    """The content_lang filter, with the page's language noted once."""
    current = _language() or "kk"
    if story_language == current[:2]:
        return helpers.bcp47(current)
    return story_language


@pass_context
def ngettext(context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _format(context, translation.ngettext(singular, plural, number), variables)


@pass_context
def pgettext(context, message_context, message, **variables):
    text = _translated(translation.pgettext, message_context, message)
    return _format(context, text, variables)


@pass_context
def npgettext(context, message_context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    text = translation.npgettext(message_context, singular, plural, number)
    return _format(context, text, variables)


FILTERS = {
    "date": date,
    "date_format": formats.date_format,
    "truncatechars": truncatechars,
    "later_minute": later_minute,
    "ld_json": helpers.ld_json,
    "bcp47": helpers.bcp47,
    "content_lang": content_lang,
    "news_time": news_time,
    "machine_time": helpers.machine_time,
    "story_body": helpers.story_body,
}

GLOBALS = {
    "url": url,
    "static": static_url,
    "now": now,
    "get_language": _language,
    "available_languages": available_languages,
    "current_language": helpers.current_language,
    "picture_context": helpers.picture_context,
    "image_url": helpers.image_url,
    "section_links": section_links,
    "masthead": masthead,
    "footer": footer,
    "page_url": page_url,
}


def environment(**options):
    """Return the environment Django's Jinja2 backend renders the readers' pages in."""
    env = Environment(
        **{
            **options,
            # A missing name or attribute shows nothing, as in Django templates,
            # in DEBUG too (Django would show Jinja's DebugUndefined there).
            "undefined": ChainableUndefined,
            "keep_trailing_newline": True,
            "extensions": ["jinja2.ext.i18n"],
        }
    )
    # Newstyle: {% trans %} blocks pass their variables to the callables, which are
    # ours (installed over Jinja's own wrappers of Django's gettext).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    env.globals.update(
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
    return env
