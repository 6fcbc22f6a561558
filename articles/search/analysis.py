"""Folding and word analysis: the same text treatment for the index and for queries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from articles.core.latin import latin_lower, to_latin

# Guards that keep any input cheap: text past these limits is ignored.
MAX_QUERY_CHARS = 300


MAX_TERMS = 8


MAX_TERM_CHARS = 40


MIN_STEM = 4


_KAZAKH_TO_RUSSIAN = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
    }
)


def _latin_accents() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


# Latin Kazakh: ä ğ ñ ö ş ū ü fold by their accents; the dotless ı joins i.
_FOLD = {**_KAZAKH_TO_RUSSIAN, **_latin_accents(), ord("ı"): "i"}


WORD_RE = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Fold case, ё and Kazakh letters, keeping every character in its place."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # A few letters lower-case to two characters (İ); keep the offsets aligned.
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_FOLD)


def index_text(text: str) -> str:
    """Return the folded words of text, separated by single spaces."""
    return " ".join(WORD_RE.findall(fold(unicodedata.normalize("NFC", text))))


def _words(text: str) -> set[str]:
    return set(text.split())


# Endings in folded spelling, longest first; a word keeps at least MIN_STEM letters.
_SUFFIXES = sorted(
    # Kazakh: plural, possessive and case endings (-лар, -ның, -ға, -да, -дан, -мен…)
    _words("лар лер дар дер тар тер ымыз имиз ныз низ ын ин")
    | _words("нын нин дын дин тын тин нан нен дан ден тан тен мен бен пен")
    | _words("нда нде да де та те на не га ге ка ке ны ни ды ди ты ти")
    | _words("дагы даги тагы таги ндагы ндаги")
    # Russian noun and adjective endings
    | _words("ами ями ого его ому ему ыми ими ах ях ов ев ей ой ий ый ая яя ое ее")
    | _words("ые ие ую юю ом ем ам ям ия ию ии а я ы и е о у ю ь")
    # English
    | _words("ing ed es s"),
    key=len,
    reverse=True,
)


# Kazakh (folded), Russian and English words that only glue a phrase together.
STOPWORDS = (
    _words("жане мен бен пен да де та те ал бул осы сол ушин деп ол олар бир")
    | _words("и в во на с со по к ко о об от из за для не что как это а но или у же")
    | _words("the a an of in on and or to for is are at by with from as be it its not")
)


def stem(word: str) -> str:
    """Strip up to three known endings from a folded word.

    The longest ending that leaves five letters wins, else the longest leaving four:
    "алматы" keeps "алмат" (not "алма"), "школа" becomes "школ".
    """
    for _round in range(3):
        fits = [s for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 4]
        if not fits:
            break
        roomy = [s for s in fits if len(word) - len(s) >= MIN_STEM + 1]
        word = word[: -len((roomy or fits)[0])]
    return word


# Latin Kazakh letters back to Cyrillic, to find Cyrillic text with a Latin query.
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "ä": "ә", "b": "б", "c": "ц", "ç": "ч", "d": "д", "e": "е",
        "f": "ф", "g": "г", "ğ": "ғ", "h": "х", "ı": "і", "i": "и", "j": "ж",
        "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о", "ö": "ө",
        "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у",
        "ū": "ұ", "ü": "ү", "v": "в", "w": "у", "x": "х", "y": "ы", "z": "з",
    }
)  # fmt: skip
_LATIN_DIGRAPHS = (("şş", "щ"), ("ts", "ц"), ("io", "ё"), ("iu", "ю"), ("ia", "я"))
# "i" after a vowel is the glide й (Qytai -> Қытай, üi -> үй).
_GLIDE_RE = re.compile(r"(?<=[aäeıioöuūüy])i(?![aäeıioöuūüy])")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"^[a-zäçğıñöşūü]+$")


def cyrillic_spellings(word: str) -> list[str]:
    """Return the folded Cyrillic words a Latin Kazakh word may stand for."""
    word = latin_lower(word)
    if not _LATIN_RE.match(word):
        return []
    found = []
    for spelled in (_GLIDE_RE.sub("й", word), word):
        found.append(spelled)
        for latin, cyrillic in _LATIN_DIGRAPHS:
            spelled = spelled.replace(latin, cyrillic)
        found.append(spelled)
    return list(dict.fromkeys(fold(w.translate(_LATIN_TO_CYRILLIC)) for w in found))


def latin_spelling(folded: str) -> str:
    """Return the folded Latin spelling of a folded Cyrillic word."""
    return fold(to_latin(folded)) if _CYRILLIC_RE.search(folded) else ""


@dataclass(frozen=True)
class Term:
    word: str
    stem: str
    # The same word in the other script, as (word, stem) pairs.
    alternatives: tuple[tuple[str, str], ...] = ()

    @property
    def forms(self) -> tuple[tuple[str, str], ...]:
        return ((self.word, self.stem), *self.alternatives)


def _alternatives(word: str, stem_: str, raw: str) -> tuple[tuple[str, str], ...]:
    if _CYRILLIC_RE.search(word):
        latin = latin_spelling(word)
        return ((latin, latin_spelling(stem_) or latin),) if latin else ()
    return tuple(
        (cyrillic, stem(cyrillic))
        for cyrillic in cyrillic_spellings(raw)
        if cyrillic != word
    )


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self, *, any_term: bool = False) -> str:
        """Return an FTS5 MATCH expression; words are quoted, never operators."""
        groups = [
            "(" + " OR ".join(f'"{w}" OR "{s}"*' for w, s in t.forms) + ")"
            for t in self.terms
        ]
        return (" OR " if any_term else " AND ").join(groups)

    def highlight_re(self) -> re.Pattern:
        stems = sorted(
            {s for t in self.terms for _w, s in t.forms}, key=len, reverse=True
        )
        return re.compile(
            r"(?<![^\W_])(?:" + "|".join(map(re.escape, stems)) + r")[^\W_]*"
        )


def parse_query(raw: str | None) -> ParsedQuery:
    """Turn whatever a reader typed into a short list of safe folded words.

    Each word also carries its spelling in the other script of Kazakh: a Latin
    query finds Cyrillic text, and a Cyrillic one finds Latin text.
    """
    text = unicodedata.normalize("NFC", (raw or "")[:MAX_QUERY_CHARS])
    words = WORD_RE.findall(index_text(text))
    # fold() keeps every letter in its place, so the typed words line up.
    typed = WORD_RE.findall(text)
    if len(typed) != len(words):
        typed = words
    pairs = [
        (w[:MAX_TERM_CHARS], t[:MAX_TERM_CHARS])
        for w, t in zip(words, typed, strict=True)
    ]
    kept = [p for p in pairs if p[0] not in STOPWORDS and len(p[0]) > 1] or pairs
    terms, seen = [], set()
    for word, raw_word in kept:
        if word not in seen:
            seen.add(word)
            word_stem = stem(word)
            terms.append(
                Term(
                    word=word,
                    stem=word_stem,
                    alternatives=_alternatives(word, word_stem, raw_word),
                )
            )
    return ParsedQuery(terms=tuple(terms[:MAX_TERMS]))
