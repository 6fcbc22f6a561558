"""The site's editions: each page's links to its other languages and scripts, and
the Kazakh Latin-script edition, the Kazakh site again under /kk-latn/ in Latin.

Nothing is typed twice. The Kazakh pages are rendered as usual (the interface from
the generated kk_Latn catalogue, the stories from the database) and their text is
spelled in Latin letters on the way out, before the page cache keeps it; a story's
own overrides are applied to its headline, summary and text first.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import translation

from articles.core.latin import LATIN_TAG, to_latin, to_latin_html, to_latin_page
from articles.public import dated

LATIN = LATIN_TAG
# How the edition names itself to browsers and search engines (BCP 47).
LATIN_HREFLANG = "kk-Latn"
# Each script named in itself, as language switches name each language in itself.
SCRIPT_LABELS = {"kk": "Кирилл", LATIN: "Latyn"}
# Structured data values that are addresses, codes or dates, never words.
_LD_KEEP = {"@context", "@type", "@id", "url", "inLanguage", "width", "height"}


def is_latin() -> bool:
    """Return whether the page being served belongs to the Latin-script edition."""
    return translation.get_language() == LATIN


def hreflang(code: str) -> str:
    return LATIN_HREFLANG if code == LATIN else code


def same_language(code: str, other: str) -> bool:
    """Kazakh in either script is one language."""
    return code[:2] == other[:2]


def cyrillic_path(path: str) -> str:
    """Return a Latin-edition path as the same path in the Cyrillic edition."""
    prefix = f"/{LATIN}/"
    return "/kk/" + path.removeprefix(prefix) if path.startswith(prefix) else path


def latin_url(path_for) -> str:
    """Return path_for() worked out in the Latin edition."""
    with translation.override(LATIN):
        return path_for()


@functools.lru_cache(maxsize=64)
def _language_parts(code: str, urlconf, prefix: str) -> tuple[str, str, str]:
    """Return a language's name, "read this story" label and front page address."""
    with translation.override(code):
        return (
            translation.gettext(str(dict(settings.LANGUAGES)[code])),
            translation.gettext("Read this story in English"),
            reverse("articles:home"),
        )


@functools.lru_cache(maxsize=4096)
def _translated_path(path: str, current: str, code: str, urlconf, prefix: str) -> str:
    with translation.override(current):
        return translate_url(path, code)


@dataclass(slots=True)
class LanguageLink:
    """This page in one language (attributes: templates read them many times)."""

    code: str
    hreflang: str
    name: str
    read_label: str
    url: str
    absolute: str
    exists: bool
    current: bool
    script: bool


@dataclass(slots=True)
class ScriptLink:
    label: str
    hreflang: str
    url: str
    current: bool


def language_links(request, versions=None) -> list[LanguageLink]:
    """Return this page in every language: the switcher and hreflang alternates.

    The names, labels and translated addresses are worked out once per process:
    a page looked each up again, switching languages four times.
    """
    links, current = [], translation.get_language() or settings.LANGUAGE_CODE
    urlconf, prefix = get_urlconf(), get_script_prefix()
    for code, _name in settings.LANGUAGES:
        name, read_label, home = _language_parts(code, urlconf, prefix)
        if versions is not None:
            url = versions.get(code)
            exists = url is not None
            url = url or home
        else:
            # translate_url resolves the path in the page's own language. A path
            # that does not resolve (a 404) is not translated.
            url = _translated_path(request.path, current, code, urlconf, prefix)
            exists = code == current or url != request.path
            url = url if exists else home
        links.append(
            LanguageLink(
                code=code,
                hreflang=hreflang(code),
                name=name,
                read_label=read_label,
                url=url,
                absolute=request.build_absolute_uri(url),
                exists=exists,
                # Kazakh in either script is the same language.
                current=same_language(code, current),
                script=code == LATIN,
            )
        )
    return links


@receiver(setting_changed)
def _forget(**kwargs):
    _language_parts.cache_clear()
    _translated_path.cache_clear()


def script_links(languages) -> list[ScriptLink]:
    """Return the switch between the Cyrillic and Latin Kazakh editions, if any."""
    current = translation.get_language()
    found = {v.code: v for v in languages if v.exists}
    if current not in SCRIPT_LABELS or not all(code in found for code in SCRIPT_LABELS):
        return []
    return [
        ScriptLink(
            label=label,
            hreflang=found[code].hreflang,
            url=found[code].url,
            current=code == current,
        )
        for code, label in SCRIPT_LABELS.items()
    ]


def spell_stories(stories) -> None:
    """Spell the Kazakh stories of a page with their own overrides, in memory only.

    The rest of the page (and stories without overrides) is spelled by the page
    pass; this only makes sure each story's names come out as its editor wrote them.
    """
    if not is_latin():
        return
    for story in stories:
        if story is None or story.language != "kk":
            continue
        overrides = story.__dict__.get("latin_overrides")
        if not overrides:
            continue
        # Only what was loaded: a deferred field would cost a query per story.
        loaded = story.__dict__
        # text_start: the start of body_text, as the story page's query takes it.
        for name in ("headline", "dek", "body_text", "text_start"):
            if name in loaded:
                loaded[name] = to_latin(loaded[name], overrides)
        if "body" in loaded:
            loaded["body"] = to_latin_html(loaded["body"], overrides)


def spell_data(data, overrides: str = ""):
    """Return structured data (JSON-LD) with its words in Latin letters."""
    if isinstance(data, dict):
        spelled = {
            key: value if key in _LD_KEEP else spell_data(value, overrides)
            for key, value in data.items()
        }
        if "inLanguage" in spelled:
            spelled["inLanguage"] = LATIN_HREFLANG
        return spelled
    if isinstance(data, list):
        return [spell_data(value, overrides) for value in data]
    if isinstance(data, str) and not data.startswith(("http://", "https://", "/")):
        return to_latin(data, overrides)
    return data


def spell_text(text: str, overrides: str = "") -> str:
    """Spell text in Latin letters when serving the Latin edition (feeds, data)."""
    return to_latin(text, overrides) if is_latin() and text else text


def spell_response(response) -> None:
    """Spell an HTML page of the Latin edition, once."""
    if (
        getattr(response, "latin_spelled", False)
        or response.streaming
        or not is_latin()
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return
    charset = response.charset or settings.DEFAULT_CHARSET
    response.content = to_latin_page(response.content.decode(charset)).encode(charset)
    if response.has_header("Content-Length"):
        # Latin letters take fewer bytes than Cyrillic ones: say how many there are.
        response["Content-Length"] = str(len(response.content))
    if response.has_header("ETag"):  # a public page: its digest, as it is now
        response["ETag"] = dated.etag(response.content)
    response.latin_spelled = True


class LatinEditionMiddleware:
    """Serve the Latin edition only under its prefix, spelled, with its BCP 47 tag.

    A browser asking for kk-Latn still gets the admin and previews in Kazakh
    Cyrillic: editors write and check the Cyrillic text the edition is made from.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = f"/{LATIN}/"

    def __call__(self, request):
        if is_latin() and not request.path_info.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        if is_latin():
            if hasattr(response, "render") and callable(response.render):
                response.render()
            spell_response(response)
            response["Content-Language"] = LATIN_HREFLANG
            # Addresses made after this request (in the same thread) are Cyrillic.
            translation.deactivate()
        return response
