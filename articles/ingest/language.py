"""Telling Kazakh from Russian and English in an imported story's text."""

from __future__ import annotations

import re

from articles.models import (
    Language,
)

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


# Share of common (lower-case) Cyrillic words spelt with a Kazakh-only letter above
# which a text is Kazakh. Kazakh prose runs at 30-50 %; Russian prose has none,
# its Kazakh place and people's names being capitalised.
KAZAKH_WORD_SHARE = 0.10


DETECT_CHARS = 3000  # the opening of a story settles its language


_WORD_RE = re.compile(r"[^\W\d_]+")


_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


_LATIN_RE = re.compile("[A-Za-z]")


_KAZAKH_RE = re.compile("[" + "".join(sorted(KAZAKH_LETTERS)) + "]")


def detect_language(text: str, default: str = Language.KAZAKH) -> str:
    """Guess kk, ru or en from the letters of text.

    A deliberately small heuristic: more Latin than Cyrillic letters means English.
    Cyrillic text is Kazakh when enough of its lower-case words hold one of the
    nine Kazakh-only letters (ә ғ қ ң ө ұ ү һ і), otherwise Russian; capitalised
    words are left out so that Kazakh names in Russian copy do not count. Text
    without letters gets default.
    """
    text = text[:DETECT_CHARS]
    cyrillic = len(_CYRILLIC_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    if not cyrillic and not latin:
        return default
    if latin > cyrillic:
        return Language.ENGLISH
    common = [w for w in _WORD_RE.findall(text) if _CYRILLIC_RE.match(w[0])]
    common = [w for w in common if w[0].islower()]
    if not common:  # only names or capitals: any Kazakh letter decides
        any_kazakh = _KAZAKH_RE.search(text) is not None
        return Language.KAZAKH if any_kazakh else Language.RUSSIAN
    kazakh = sum(1 for w in common if _KAZAKH_RE.search(w))
    return (
        Language.KAZAKH
        if kazakh / len(common) >= KAZAKH_WORD_SHARE
        else Language.RUSSIAN
    )
