"""Text helpers: readable Latin slugs from Cyrillic, and the rich-text allow-list."""

import html as htmllib
import re
from urllib.parse import unquote, urlsplit

import nh3
from django.utils.text import slugify

# Kazakh letters first: every one of them maps to Latin, none is dropped.
CYRILLIC_TO_LATIN = {
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

SLUG_MAX_LENGTH = 120


def transliterate(text: str) -> str:
    """Spell Kazakh and Russian Cyrillic in Latin letters."""
    return "".join(CYRILLIC_TO_LATIN.get(ch, ch) for ch in text.lower())


def latin_slugify(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """Return an ASCII slug for a headline in any of the newsroom's languages."""
    slug = slugify(transliterate(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr", "code", "pre",
    "figure", "figcaption", "img", "picture", "source",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "oembed",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "source": {"srcset", "type", "media", "sizes"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "oembed": {"url"},
    "ol": {"start", "reversed"},
}
ALLOWED_CLASSES = {
    "figure": {"image", "image-style-side", "image-style-block-align-left",
               "image-style-block-align-right", "image_resized", "table", "media"},
    "img": {"image_resized"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
# Media embeds CKEditor inserts as <oembed url="...">: only these hosts are let through.
EMBED_HOSTS = {
    "youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com",
}  # fmt: skip


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "oembed" and attribute == "url":
        parts = urlsplit(value)
        if parts.scheme != "https" or parts.hostname not in EMBED_HOSTS:
            return None
    if attribute in {"src", "srcset"} and value.strip().lower().startswith("data:"):
        return None
    if tag == "a" and attribute == "target" and value != "_blank":
        return None
    return value


def sanitize_html(html: str) -> str:
    """Return rich text with everything outside the newsroom's allow-list removed."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


_SPACE_RE = re.compile(r"\s+")


# Elements that end a run of words: the text of one never runs into the next.
# CKEditor writes them without a newline in between (<p>a</p><h2>b</h2>).
TEXT_BREAK_TAGS = {
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "dl", "dt", "dd", "blockquote", "hr", "pre", "figure", "figcaption", "img",
    "picture", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "section", "article", "aside", "header", "footer", "nav", "main", "address",
    "details", "summary", "oembed",
}  # fmt: skip


_TAG_RE = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """Return the readable text of HTML on one line, a space between blocks."""
    if not html:
        return ""
    # nh3 keeps only the breaking tags, bare, and escapes every "<" in the text,
    # so what looks like a tag afterwards is one.
    breaks = nh3.clean(html, tags=TEXT_BREAK_TAGS, attributes={}, link_rel=None)
    text = htmllib.unescape(_TAG_RE.sub(" ", breaks))
    return _SPACE_RE.sub(" ", text).strip()


_IMG_SRC_RE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"")


def media_file_names(html: str, media_url: str, limit: int = 5) -> list[str]:
    """Return the stored file names of the first pictures in sanitised HTML that
    are uploads of this site (their address under media_url), in order."""
    names = []
    for src in _IMG_SRC_RE.findall(html or ""):
        parts = urlsplit(htmllib.unescape(src))
        if parts.scheme or parts.netloc or not parts.path.startswith(media_url):
            continue
        name = unquote(parts.path[len(media_url) :])
        if name and name not in names:
            names.append(name)
            if len(names) >= limit:
                break
    return names
