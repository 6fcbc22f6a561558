"""Kazakh in the Latin alphabet: Cyrillic text and HTML spelled in the 2021 letters.

The alphabet is the improved Latin-based Kazakh alphabet of 31 letters presented by
the Government to the National Commission for the transition of the Kazakh alphabet
to the Latin script on 28 January 2021 (Kazinform, "New version of Latin-based
Kazakh alphabet presented at Government", inform.kz, 28.01.2021). It revises the
alphabet approved by Presidential Decree No. 569 of 26 October 2017 (amended by
Decree No. 637 of 19 February 2018); Ң ң is Ñ ñ as in the version put to public
discussion in April 2021 (the January draft had Ŋ ŋ). The letter table,
Cyrillic -> Latin:

    А а  A a      Ғ ғ  Ğ ğ      Й й  İ i      О о  O o      Т т  T t      Ф ф  F f
    Ә ә  Ä ä      Д д  D d      К к  K k      Ө ө  Ö ö      У у  U u      Х х  H h
    Б б  B b      Е е  E e      Қ қ  Q q      П п  P p      Ұ ұ  Ū ū      Һ һ  H h
    В в  V v      Ж ж  J j      Л л  L l      Р р  R r      Ү ү  Ü ü      Ш ш  Ş ş
    Г г  G g      З з  Z z      М м  M m      С с  S s      Ы ы  Y y      І і  I ı
                  И и  İ i      Н н  N n      Ң ң  Ñ ñ

(A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z: 31 letters; Х and Һ
share H, И and Й share İ.) Note the two i's: І is dotless-lower I ı, И and Й are
dotted-capital İ i, so case is never changed with str.upper()/str.lower() here.
Example: Қазақстан Республикасы -> Qazaqstan Respublikasy, Шымкент -> Şymkent.

Letters outside the 31 (Russian loan words) have no letter of their own. They are
spelled by their sound with the letters above, the way the reform's examples spell
them (и, й -> i, so ё ю я, which are й + a vowel, begin with i); where the published
examples do not settle a letter, the choice made here is marked "(ours)":

    Ё ё  İo io    (й + о)          Ъ ъ  dropped
    Ю ю  İu iu    (й + у)          Ь ь  dropped
    Я я  İa ia    (й + а)          Э э  E e
    Ц ц  Ts ts                     Ч ч  Ç ç   (as Ş for Ш; Common Turkic Alphabet)
    Щ щ  Şş şş    (ours: ш + ш, the way Kazakh speakers say it)
    ий   i        (ours) the glide of the Russian ending "-ий" is not written twice
                  (Достоевский -> Dostoevski)

A letter spelled with two Latin letters takes the case of its word: ЦЕНТР -> TSENTR,
Цех -> Tseh, ЯСАУИ -> İASAUİ.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Cyrillic letter -> (lower-case Latin, capitalised Latin, ALL-CAPS Latin).
LETTERS: dict[str, tuple[str, str, str]] = {
    "а": ("a", "A", "A"), "ә": ("ä", "Ä", "Ä"), "б": ("b", "B", "B"),
    "в": ("v", "V", "V"), "г": ("g", "G", "G"), "ғ": ("ğ", "Ğ", "Ğ"),
    "д": ("d", "D", "D"), "е": ("e", "E", "E"), "ж": ("j", "J", "J"),
    "з": ("z", "Z", "Z"), "и": ("i", "İ", "İ"), "й": ("i", "İ", "İ"),
    "к": ("k", "K", "K"), "қ": ("q", "Q", "Q"), "л": ("l", "L", "L"),
    "м": ("m", "M", "M"), "н": ("n", "N", "N"), "ң": ("ñ", "Ñ", "Ñ"),
    "о": ("o", "O", "O"), "ө": ("ö", "Ö", "Ö"), "п": ("p", "P", "P"),
    "р": ("r", "R", "R"), "с": ("s", "S", "S"), "т": ("t", "T", "T"),
    "у": ("u", "U", "U"), "ұ": ("ū", "Ū", "Ū"), "ү": ("ü", "Ü", "Ü"),
    "ф": ("f", "F", "F"), "х": ("h", "H", "H"), "һ": ("h", "H", "H"),
    "ш": ("ş", "Ş", "Ş"), "ы": ("y", "Y", "Y"), "і": ("ı", "I", "I"),
    # Letters of Russian loan words.
    "ё": ("io", "İo", "İO"), "ю": ("iu", "İu", "İU"), "я": ("ia", "İa", "İA"),
    "ц": ("ts", "Ts", "TS"), "ч": ("ç", "Ç", "Ç"), "щ": ("şş", "Şş", "ŞŞ"),
    "ъ": ("", "", ""), "ь": ("", "", ""), "э": ("e", "E", "E"),
}  # fmt: skip

_KAZAKH_UPPER = {"i": "İ", "ı": "I"}
_KAZAKH_LOWER = {"İ": "i", "I": "ı"}


def latin_upper(text: str) -> str:
    """Upper-case Latin Kazakh: i -> İ, ı -> I (str.upper() would lose the dot)."""
    return "".join(_KAZAKH_UPPER.get(c) or c.upper() for c in text)


def latin_lower(text: str) -> str:
    """Lower-case Latin Kazakh: İ -> i, I -> ı."""
    return "".join(_KAZAKH_LOWER.get(c) or c.lower() for c in text)


# One-letter spellings go through str.translate; longer ones need their neighbours.
_SIMPLE = {}
for _cyr, (_low, _cap, _caps) in LETTERS.items():
    if len(_caps) <= 1:
        _SIMPLE[ord(_cyr)] = _low
        _SIMPLE[ord(_cyr.upper())] = _caps
    else:
        _SIMPLE[ord(_cyr)] = _low
_TABLE = str.maketrans(_SIMPLE)

_UPPER_DIGRAPHS = "".join(c.upper() for c, v in LETTERS.items() if len(v[2]) > 1)
_CYRILLIC = "".join(LETTERS) + "".join(LETTERS).upper()
_DIGRAPH_RE = re.compile(f"[{_UPPER_DIGRAPHS}]")
# "-ий": the й after и is not written (a capital И with a small й is kept capital).
_II_RE = re.compile("([иИ])[йЙ]")
_HAS_CYRILLIC_RE = re.compile(f"[{_CYRILLIC}]")


def _is_upper_letter(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _digraph(match: re.Match) -> str:
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    low, cap, caps = LETTERS[match.group().lower()]
    if _is_upper_letter(after) or (_is_upper_letter(before) and not after.isalpha()):
        return caps
    return cap


@dataclass(frozen=True)
class Overrides:
    """A story's own spellings: whole words (or word starts) in Cyrillic -> Latin."""

    pairs: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.pairs)

    @property
    def pattern(self) -> re.Pattern | None:
        return _override_pattern(self.pairs)

    def latin_for(self, found: str) -> str:
        latin = _override_lookup(self.pairs)[found.casefold()]
        if len(found) > 1 and found.isupper():
            return latin_upper(latin)
        if found[:1].isupper() and latin[:1].islower():
            return latin_upper(latin[:1]) + latin[1:]
        return latin


@lru_cache(maxsize=256)
def _override_lookup(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {cyrillic.casefold(): latin for cyrillic, latin in pairs}


@lru_cache(maxsize=256)
def _override_pattern(pairs: tuple[tuple[str, str], ...]) -> re.Pattern | None:
    if not pairs:
        return None
    words = sorted((re.escape(k) for k, _ in pairs), key=len, reverse=True)
    # A word start: suffixes after the listed form are spelled by the rules.
    return re.compile(r"(?<![^\W_])(?:" + "|".join(words) + ")", re.IGNORECASE)


class OverrideError(ValueError):
    """An override line that cannot be read; line is counted from 1."""

    def __init__(self, line: int, text: str):
        super().__init__(line, text)
        self.line = line
        self.text = text


MAX_OVERRIDES = 200
MAX_OVERRIDE_CHARS = 100


@lru_cache(maxsize=256)
def parse_overrides(text: str) -> Overrides:
    """Read "Cyrillic = Latin" lines; blank lines and lines starting with # are skipped.

    Raise OverrideError for a line without "=", with an empty side, or too long.
    """
    pairs: dict[str, tuple[str, str]] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cyrillic, sep, latin = (part.strip() for part in line.partition("="))
        if (
            not sep
            or not cyrillic
            or not latin
            or len(cyrillic) > MAX_OVERRIDE_CHARS
            or len(latin) > MAX_OVERRIDE_CHARS
            or len(pairs) >= MAX_OVERRIDES
        ):
            raise OverrideError(number, raw)
        pairs[cyrillic.casefold()] = (cyrillic, latin)
    return Overrides(tuple(pairs.values()))


ERROR_OVERRIDE_LINE = _(
    "Line %(line)s: write one “Cyrillic = Latin” pair a line, each side at most "
    "%(chars)s characters, at most %(count)s lines."
)


def validate_overrides(value: str) -> None:
    """Refuse override text that parse_overrides cannot read, naming the line."""
    try:
        parse_overrides(value)
    except OverrideError as error:
        raise ValidationError(
            ERROR_OVERRIDE_LINE,
            code="latin_override",
            params={
                "line": error.line,
                "chars": MAX_OVERRIDE_CHARS,
                "count": MAX_OVERRIDES,
            },
        ) from None


def _as_overrides(overrides: Overrides | Mapping[str, str] | str | None) -> Overrides:
    if overrides is None:
        return Overrides()
    if isinstance(overrides, Overrides):
        return overrides
    if isinstance(overrides, str):
        try:
            return parse_overrides(overrides)
        except OverrideError:
            # Stored text is validated on save; a bad line never blocks a page.
            return Overrides()
    return Overrides(tuple(overrides.items()))


def _spell(text: str) -> str:
    text = _II_RE.sub(r"\1", text)
    text = _DIGRAPH_RE.sub(_digraph, text)
    return text.translate(_TABLE)


def to_latin(
    text: str, overrides: Overrides | Mapping[str, str] | str | None = None
) -> str:
    """Spell Kazakh Cyrillic plain text in the Latin alphabet; other text is kept."""
    if not text or not _HAS_CYRILLIC_RE.search(text):
        return text
    found = _as_overrides(overrides)
    pattern = found.pattern if found else None
    if pattern is None:
        return _spell(text)
    out, at = [], 0
    for match in pattern.finditer(text):
        out.append(_spell(text[at : match.start()]))
        out.append(found.latin_for(match.group()))
        at = match.end()
    out.append(_spell(text[at:]))
    return "".join(out)


# A tag, with quoted attribute values that may hold ">"; comments and doctypes too.
_TAG_RE = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
_TAG_NAME_RE = re.compile(r"<(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_LANG_RE = re.compile(r"""\slang\s*=\s*["']?([\w-]*)""", re.IGNORECASE)
# Text inside these is code, a script or an embed: never re-spelled.
KEEP_TAGS = frozenset({"code", "pre", "script", "style", "oembed", "kbd", "samp"})
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"source", "track", "wbr"}
)
LATIN_TAG = "kk-latn"
# Attributes people read or hear (alt text, tooltips, labels, page descriptions).
_TEXT_ATTR_RE = re.compile(
    r"""(\s(?:alt|title|aria-label|placeholder)\s*=\s*")([^"]*)(")""", re.IGNORECASE
)
_META_TEXT_RE = re.compile(
    r"""\s(?:name|property)\s*=\s*"(?:description|og:title|og:description|"""
    r"""og:image:alt|og:site_name|twitter:title|twitter:description|"""
    r'article:section|article:tag)"',
    re.IGNORECASE,
)
_CONTENT_ATTR_RE = re.compile(r"""(\scontent\s*=\s*")([^"]*)(")""", re.IGNORECASE)


def _spell_attributes(tag: str, name: str) -> str:
    def spell(match: re.Match) -> str:
        return match.group(1) + to_latin(match.group(2)) + match.group(3)

    tag = _TEXT_ATTR_RE.sub(spell, tag)
    if name == "meta" and _META_TEXT_RE.search(tag):
        tag = _CONTENT_ATTR_RE.sub(spell, tag)
    return tag


def _walk(html: str, found: Overrides, *, attributes: bool) -> str:
    out, at = [], 0
    # Open elements as (name, keep): inside a kept one, text stays as it is.
    stack: list[tuple[str, bool]] = []
    for match in _TAG_RE.finditer(html):
        text = html[at : match.start()]
        keep = bool(stack) and stack[-1][1]
        out.append(text if keep else to_latin(text, found))
        tag = match.group()
        at = match.end()
        parsed = _TAG_NAME_RE.match(tag)
        if parsed is None:
            out.append(tag)
            continue
        closing, name = parsed.group(1), parsed.group(2).lower()
        if closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == name:
                    del stack[depth:]
                    break
            out.append(tag)
            continue
        lang = _LANG_RE.search(tag)
        keep = (
            keep
            or name in KEEP_TAGS
            or (lang is not None and lang.group(1).lower() != LATIN_TAG)
        )
        if attributes and not keep and _HAS_CYRILLIC_RE.search(tag):
            tag = _spell_attributes(tag, name)
        out.append(tag)
        if name not in VOID_TAGS and not tag.endswith("/>"):
            stack.append((name, keep))
    tail = html[at:]
    out.append(tail if stack and stack[-1][1] else to_latin(tail, found))
    return "".join(out)


def to_latin_html(
    html: str, overrides: Overrides | Mapping[str, str] | str | None = None
) -> str:
    """Spell the text nodes of HTML in Latin; tags, attributes, URLs and code stay.

    Text inside code, pre, script, style and embeds is kept, and so is text inside
    an element marked as another language (lang="ru", or lang="kk" for Cyrillic).
    """
    if not html or not _HAS_CYRILLIC_RE.search(html):
        return html
    return _walk(html, _as_overrides(overrides), attributes=False)


def to_latin_page(html: str) -> str:
    """Spell a whole page: its text nodes, and the attributes people read or hear.

    Alt text, titles, ARIA labels, placeholders and the text of description and
    Open Graph meta tags are spelled too; addresses and every other attribute stay.
    """
    if not html or not _HAS_CYRILLIC_RE.search(html):
        return html
    return _walk(html, Overrides(), attributes=True)
