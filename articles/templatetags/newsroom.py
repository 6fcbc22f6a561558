"""Template helpers of the public site: pictures, structured data, navigation.

Plain functions: the readers' pages (Jinja2, see articles.public.jinja) call them,
and the filters and tags below register the same functions for Django templates.
"""

import json
import re
from functools import lru_cache

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.core import fragments
from articles.core.cache import NAV_KEY
from articles.core.renditions import srcset
from articles.core.sections import SectionTree
from articles.models import Rendition, active_language

register = template.Library()

NAV_TTL = 300


def renditions_of(image) -> list[Rendition]:
    """Return the renditions of image, loaded in bulk by the view when possible.

    Only reads: renditions are made when a picture is stored, so a reader never
    waits for a picture to be decoded. One without any yet (stored before they
    were made at upload; ``manage.py make_renditions`` fills them in) is shown
    from its original file.
    """
    found = getattr(image, "rendition_list", None)
    if found is None:
        found = list(image.renditions.all())
        image.rendition_list = found
    return found


def picture_context(image, sizes="100vw", eager=False, css_class=""):
    """Return what a responsive <picture> with WebP and JPEG renditions shows."""
    if image is None:
        return {"image": None}
    found = renditions_of(image)
    widest = max(
        (r for r in found if r.format == Rendition.Format.JPEG),
        key=lambda r: r.width,
        default=None,
    )
    return {
        "image": image,
        "webp_srcset": srcset(found, Rendition.Format.WEBP),
        "jpeg_srcset": srcset(found, Rendition.Format.JPEG),
        "src": widest.file.url if widest else image.file.url,
        "width": widest.width if widest else image.width,
        "height": widest.height if widest else image.height,
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }


@register.simple_tag
def image_url(image, request=None):
    """Return the absolute URL of the widest JPEG rendition (for cards and feeds)."""
    if image is None:
        return ""
    found = [r for r in renditions_of(image) if r.format == Rendition.Format.JPEG]
    url = max(found, key=lambda r: r.width).file.url if found else image.file.url
    return request.build_absolute_uri(url) if request is not None else url


@register.filter
def ld_json(data):
    """Render data as JSON safe to put inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above for the script context


@register.simple_tag(takes_context=True)
def section_links(context, mark_current=True):
    """Return the <li> links to the top-level sections, built once per language.

    Only sections with a public story in the reader's language: an empty one leads
    nowhere. The list is kept in the cache until a section changes (``nav`` purges
    it): building fifty links with reverse() and a template loop cost more than the
    rest of a story page.
    """
    language = get_language() or "kk"  # kk-latn links lead into its own edition
    key = NAV_KEY.format(language=language)
    # The header and the footer both list them: read them once per page.
    request = context.get("request")
    read = getattr(request, "section_rows", None) if request is not None else None
    rows = read.get(key) if read else None
    if rows is None:

        def build():
            tree = SectionTree.load(public_in=[language[:2]])
            return {"nav"}, tuple(
                (c.pk, escape(c.get_absolute_url()), escape(c.display_name))
                for c in tree.reachable_tops(language[:2])
            )

        rows = fragments.fragment(key, NAV_TTL, build)
    if request is not None:
        request.section_rows = {key: rows}
    here = context.get("category")
    story = context.get("story")
    page = getattr(here, "pk", None) if mark_current else None
    within: frozenset = frozenset()
    if mark_current and story is not None and getattr(story, "category_id", None):
        within = frozenset({story.category_id, story.category.parent_id})
    return _links(rows, page, within)


@lru_cache(maxsize=256)
def _links(rows, page, within):
    links = []
    for pk, url, name in rows:
        if pk == page:
            current = ' aria-current="page"'
        elif pk in within:
            current = ' aria-current="true"'
        else:
            current = ""
        links.append(f'<li><a href="{url}"{current}>{name}</a></li>')
    return mark_safe("".join(links))  # noqa: S308 - every part escaped above


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """Return the current URL's query string with another page number."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return escape(f"?{encoded}" if encoded else "?")


@register.simple_tag
def current_language():
    return active_language()


@register.filter
def bcp47(code):
    """Return a language code as HTML and hreflang spell it (kk-latn -> kk-Latn)."""
    language, _sep, script = (code or "").partition("-")
    if len(script) == 4:
        return f"{language}-{script.title()}"
    return code


@register.filter
def content_lang(story_language):
    """Return the lang of a story's text on this page: Kazakh in the page's script."""
    current = get_language() or "kk"
    if story_language == current[:2]:
        return bcp47(current)
    return story_language


@register.filter
def news_time(moment):
    """Show only the time for today's stories, the day and time for older ones."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "TIME_FORMAT")
    return (
        f"{date_format(local, 'MONTH_DAY_FORMAT')}, {date_format(local, 'TIME_FORMAT')}"
    )


@register.filter
def machine_time(moment):
    """Return moment for a datetime attribute: ISO 8601 to the second.

    HTML allows at most three digits of a fraction of a second; Django's "c" format
    gives six whenever the time has microseconds.
    """
    if not moment:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# The editor stores media embeds as <oembed url="…">, which is no HTML element.
# The sanitiser let only video hosts through; readers get a plain link to them.
_OEMBED = re.compile(r'<oembed url="([^"<>]*)"></oembed>')
_EMBED_LINK = r'<a class="embed-link" href="\1" rel="noopener">\1</a>'


@register.filter
def story_body(html):
    """Return a story's sanitised text, ready to be shown to readers."""
    return mark_safe(_OEMBED.sub(_EMBED_LINK, html or ""))
