"""Text search over events: words and word prefixes, case and accents folded, places found by their other names.

The rule, as a journalist types a query:

- The query is cut into words at spaces. An event matches when **every** word begins a word of its title, place,
  quote or notes, in any order and in any of those fields: "drills vostok" and "Vos 2022" find "Vostok 2022 joint
  military drills", "sea of jap" finds the Sea of Japan; "ev" finds neither "Kiev" nor "events". Every word must
  match (AND), as in a news archive or a web search: a reader lists what the events must be about, in no set order
  ("Beijing statement" finds a statement placed in Beijing), and each word narrows the list; a phrase rule would
  lose "Russia China drills" in "China and Russia's joint drills".
- Punctuation inside a word joins its parts, which must follow one another in the text, apart by spaces or
  punctuation, the last one as a prefix ("50,000" finds "50,000" and "50.000"; "U.S.", "Russia's"). Anywhere else
  it is ignored ("(drills" is "drills"), so nothing in a query is a regular expression, and a query with no letter
  or digit restricts nothing, like an empty one.
- Case and the accents of Latin letters do not matter: both sides are compared through :func:`fold` ("kyïv" finds
  "Kyiv", "zurich" "Zürich", "tokyo" "Tōkyō", "strasse" "Straße"). Other scripts keep their marks, as
  :func:`~dashboard.geography.countries.normalise_name` keeps them; Chinese and Japanese words, written without
  spaces, match anywhere in a run of characters.
- With :class:`SearchAliases`, words that name a place ("Kiev", "sea of japan", "U.S.") also find the place's other
  names, each as a whole name ("Kiev" finds "Kyiv", "Kiew" and "Киев"; "Kyiv" finds a quote saying "Kiev").

Speed: the text is searched as it is, by pyarrow's regular expressions (RE2: compiled code over the Arrow strings,
no Python string per value), with the query folded and matched case aside; a column whose values repeat (places,
notes) is searched as its distinct values, and each further word only where the rows are still in. That equals
searching the folded text except in values holding a character that folds into another letter ("ü", "К", "ﬁ"):
the first pass over a column finds those too, and they are folded (by pyarrow as well) and searched as such.
Folding every value in Python instead took 1.5 s at 200,000 events of real text. Nothing is cached between calls
but the character class derived from Unicode (:func:`_odd_class`); the caller builds the aliases once
(:func:`load_search_aliases`).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..paths import ALIASES_PATH, REGIONS_PATH

__all__ = ["NAME_KINDS", "Chunk", "Name", "QueryGroup", "SearchAliases", "fold", "fold_array", "load_search_aliases",
           "parse_query", "query_groups", "text_mask", "word_pattern"]

# Kinds of curated alias that are another name of the place itself: any of its names finds all the others. The other
# kinds (alias: former names, parts and informal names such as "Gaza Strip" for the Palestinian Territory; demonym)
# only point at the place: they find its names and its names find them, but they do not find each other.
NAME_KINDS = frozenset({"abbreviation", "transliteration"})
# An other name from the gazetteer shorter than this (in Latin letters or digits) is a fragment or a code ("Ko" and
# "IEV" for Kyiv); in other scripts two characters make a name ("东京").
MIN_NAME_CHARS = 4
MAX_NAME_WORDS = 6  # the longest run of query words looked up as a name ("democratic republic of the congo")
# Written in capitals, a name is an abbreviation, searched as written, case included: "US" is not "us".
ABBREVIATION = re.compile(r"[A-Z](?:[A-Z]|\.(?=[A-Z]))*\.?")
# A column is searched as its distinct values when, in a sample of this many rows, fewer than this share are
# distinct: places and notes repeat; a real dataset's titles and quotes hardly do, and finding them costs a pass.
SAMPLE_ROWS = 2000
MAX_DISTINCT_SHARE = 0.95

# Word characters are letters, digits, combining marks and "_": Python's \w and the marks, which it leaves out
# (the vowel signs of Hindi or Thai would cut words in pieces); in RE2, \pL\pN\pM_.
_RE2_WORD = r"\pL\pN\pM_"
_START = rf"(?:^|[^{_RE2_WORD}])"  # what comes before a word: nothing, or no word character
# Between two words of a phrase: spaces and punctuation (ASCII, Latin-1, General Punctuation, CJK). A class of all
# non-word characters, as _START has, repeated in each name of a phrase, makes RE2's automaton too big for its
# memory, and matching ten times slower. Latin-1's letters and digits here (ª, ², ¼) fold into others: their rows
# are decided on the folded text, which does not hold them.
_GAP = r"[\x{0}-\x{2f}\x{3a}-\x{40}\x{5b}-\x{5e}\x{60}\x{7b}-\x{bf}\x{d7}\x{f7}\x{2000}-\x{206f}\x{3000}-\x{303f}]+"
_END = rf"(?:$|[^{_RE2_WORD}])"  # after a whole word
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # kana, Chinese: words run on
# Folding, as normalise_name does it: combining marks after a Latin letter (any character up to U+024F, or in
# U+1E00-U+1EFF) are dropped, and the Latin letters with a stroke that Unicode does not decompose are spelt plain;
# casefold()'s "ß" is "ss" and final sigma a sigma.
_LATIN_MARKS = (r"([\x{1}-\x{24f}\x{1e00}-\x{1eff}])"
                r"[\x{300}-\x{36f}\x{1ab0}-\x{1aff}\x{1dc0}-\x{1dff}\x{20d0}-\x{20ff}\x{fe20}-\x{fe2f}]+")
_SPELLINGS = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "ß": "ss", "ς": "σ"}
_HANGUL_JAMO = [(0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)]  # compose into syllables under NFKC


def _mark_class() -> str:
    """Every combining mark of the Basic Multilingual Plane, as ranges of a character class."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)


_WORD = re.compile(rf"[\w{_mark_class()}]+")


def fold(text: str) -> str:
    """``text`` as search compares it: compatibility-normalised (NFKC), lower case ("ß" is "ss"), the accents of
    Latin letters dropped. One function for the query, the names and the searched text (through
    :func:`fold_array`), so that "KYÏV", "Kyïv" and "kyiv" are one."""
    if text.isascii():  # the same as the whole pipeline there
        return text.lower()
    return fold_array(pa.array([text], type=pa.string()))[0].as_py()


def fold_array(values: pa.Array) -> pa.Array:
    values = pc.replace_substring_regex(pc.utf8_normalize(values, form="NFKD"), _LATIN_MARKS, r"\1")
    values = pc.utf8_lower(values)
    for letter, spelling in _SPELLINGS.items():
        values = pc.replace_substring(values, letter, spelling)
    return pc.utf8_normalize(values, form="NFKC")


# --- the query --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One word of the query as typed (between spaces): its folded parts and its parts as written."""

    words: tuple[str, ...]
    written: tuple[str, ...]


class Name(NamedTuple):
    """A name to search for as a whole: folded words, or words as written (an abbreviation) when ``exact``."""

    words: tuple[str, ...]
    exact: bool = False


@dataclass(frozen=True)
class QueryGroup:
    """Query words that must all match, or, if they name a place, be replaced by one of its ``names``."""

    chunks: tuple[Chunk, ...]
    names: frozenset[Name] = field(default_factory=frozenset)


def parse_query(text: str) -> list[Chunk]:
    """The query's words; those without a letter or digit are left out."""
    chunks = []
    for part in unicodedata.normalize("NFKC", text).split():
        words = tuple(_WORD.findall(fold(part)))
        if words:
            chunks.append(Chunk(words, tuple(_WORD.findall(part))))
    return chunks


def query_groups(chunks: Sequence[Chunk], aliases: SearchAliases | None) -> Iterator[QueryGroup]:
    """The query's words, each alone or, where a run of them names a place, the run; the longest run first."""
    i = 0
    while i < len(chunks):
        j, names = i + 1, frozenset[Name]()
        if aliases is not None:
            for end in range(min(len(chunks), i + MAX_NAME_WORDS), i, -1):
                names = aliases.other_names(chunks[i:end])
                if names:
                    j = end
                    break
        yield QueryGroup(tuple(chunks[i:j]), names)
        i = j


# --- the other names of places ----------------------------------------------------------------------------------


class SearchAliases:
    """Other names of places, for search. Build it once (:func:`load_search_aliases`) and pass it to every search.

    ``places`` gives each place's names as a gazetteer has them, its own name first, in ``(id, names)`` pairs as
    :func:`~dashboard.geography.gazetteer.place_names` yields them; every name kept finds every other. An other
    name is dropped when it is written all in lower-case ASCII (GeoNames' machine transliterations, "bei jing"), is
    a code (all capitals, four letters at most: "IEV"), is shorter than :data:`MIN_NAME_CHARS`, or is ambiguous:
    another place's own name or an other name of several places ("Pekin" is a city in Illinois).
    ``aliases`` are curated ``(alias, name, kind)`` rows: the alias is an other name of every place called ``name``
    (or of a place of that one name if none is) when ``kind`` is in :data:`NAME_KINDS`, else it points at them.

    Names are kept as keys: folded words joined by spaces, or "=" and the words as written for an abbreviation.
    """

    def __init__(self, places: Iterable[tuple[str, Sequence[str]]],
                 aliases: Iterable[tuple[str, str, str]] = ()) -> None:
        self._names: list[tuple[str, ...]] = []  # by place: its names
        self._pointers: dict[int, tuple[str, ...]] = {}  # by place: the curated aliases pointing at it
        self._named: dict[str, tuple[int, ...]] = {}  # name -> the places it is a name of
        self._pointing: dict[str, tuple[int, ...]] = {}  # curated alias -> the places it points at
        self._add_places(places)
        for alias, name, kind in aliases:
            self._add_alias(alias, name, kind)

    def __len__(self) -> int:
        """How many names and curated aliases it knows."""
        return len(self._named.keys() | self._pointing.keys())

    def other_names(self, chunks: Sequence[Chunk]) -> frozenset[Name]:
        """The names of every place the query words ``chunks`` name together, empty if they name none."""
        found: set[str] = set()
        folded = " ".join(w for c in chunks for w in c.words)
        written = "=" + " ".join(w for c in chunks for w in c.written)
        for key in (folded, written):
            for place in self._named.get(key, ()):
                found.update(self._names[place], self._pointers.get(place, ()))
            for place in self._pointing.get(key, ()):
                found.update(self._names[place])
        return frozenset(Name(tuple(k.lstrip("=").split(" ")), exact=k.startswith("=")) for k in found)

    def _add_places(self, places: Iterable[tuple[str, Sequence[str]]]) -> None:
        texts: list[str] = []
        owners: list[int] = []  # for each text, its place; ~place for the place's own name
        for place, (_, names) in enumerate(places):
            self._names.append(())
            for index, text in enumerate(names):
                if index == 0 or _plausible(text):
                    texts.append(text)
                    owners.append(~place if index == 0 else place)
        own: dict[str, list[int]] = {}
        other: dict[str, int] = {}  # -1 for a name of several places
        for key, owner in zip(_keys(texts), owners, strict=True):
            if owner < 0 and key:
                own.setdefault(key, []).append(~owner)
            elif owner >= 0 and _long_enough(key) and other.setdefault(key, owner) != owner:
                other[key] = -1
        single = [(place,) for place in range(len(self._names))]  # one tuple per place, shared by its names
        by_place: list[list[str]] = [[] for _ in self._names]
        for key, found in own.items():
            places_named = sorted(set(found))
            self._named[key] = single[places_named[0]] if len(places_named) == 1 else tuple(places_named)
            for place in places_named:
                by_place[place].append(key)
        for key, place in other.items():
            if place >= 0 and key not in own:
                self._named[key] = single[place]
                by_place[place].append(key)
        self._names = [tuple(keys) for keys in by_place]

    def _add_alias(self, alias: str, name: str, kind: str) -> None:
        key, target = _keys([alias, name])
        if not key or not target:
            return
        places = self._named.get(target)
        if places is None:
            places = self._named[target] = (len(self._names),)
            self._names.append((target,))
        if kind in NAME_KINDS:
            self._named[key] = tuple(sorted({*self._named.get(key, ()), *places}))
            for place in places:
                self._names[place] += (key,)
        else:
            self._pointing[key] = tuple(sorted({*self._pointing.get(key, ()), *places}))
            for place in places:
                self._pointers[place] = (*self._pointers.get(place, ()), key)


def _keys(texts: list[str]) -> list[str]:
    """Each text as a name's key (see :class:`SearchAliases`); empty for a text without words."""
    words = pc.replace_substring_regex(fold_array(pa.array(texts, type=pa.string())), f"[^{_RE2_WORD}]+", " ")
    keys = pc.utf8_trim(words, " ").to_pylist()
    for i, text in enumerate(texts):
        if text.isupper() and text.isascii() and ABBREVIATION.fullmatch(text.strip()):
            keys[i] = "=" + " ".join(_WORD.findall(text))
    return keys


def _plausible(name: str) -> bool:
    """Whether a gazetteer's other name may be one people write: not a machine transliteration nor a code."""
    return not (name.isascii() and (name.islower() or (name.isupper() and len(name) <= 4)))


def _long_enough(key: str) -> bool:
    letters = key.lstrip("=").replace(" ", "")
    return len(letters) >= (MIN_NAME_CHARS if letters.isascii() else 2)


def load_search_aliases(*, aliases_path: Path = ALIASES_PATH, regions_path: Path = REGIONS_PATH,
                        city_min_population: int | None = None) -> SearchAliases:
    """The search aliases from the packaged data: the gazetteer's names of regions, countries and cities
    (:func:`~dashboard.geography.gazetteer.place_names`, by default its cities of at least
    :data:`~dashboard.geography.gazetteer.CITY_MIN_POPULATION`) and the curated ``data/aliases.csv``. Takes a
    second or two and some 30 MB: build it once per process."""
    # Imported here: filtering without aliases does not load the gazetteer's packages.
    from ..geography.gazetteer import CITY_MIN_POPULATION, place_names

    places = place_names(regions_path=regions_path, city_min_population=city_min_population or CITY_MIN_POPULATION)
    with Path(aliases_path).open(newline="", encoding="utf-8") as handle:
        rows = [(row["alias"], row["name"], row["kind"]) for row in csv.DictReader(handle)]
    _odd_class()  # derived once per process: here, rather than on the first search
    return SearchAliases(places, rows)


# --- the search ---------------------------------------------------------------------------------------------------


def text_mask(df: pd.DataFrame, query: str, columns: Sequence[str], *,
              aliases: SearchAliases | None = None) -> np.ndarray:
    """Which rows of ``df`` match ``query`` in any of ``columns`` under the module's rule, as a boolean array."""
    chunks = parse_query(query)
    mask = np.ones(len(df), dtype=bool)
    if not chunks or not len(df):
        return mask
    texts = [_Column(_strings(df[column])) for column in columns]
    for group in query_groups(chunks, aliases):
        mask &= _group_rows(texts, group, mask)
        if not mask.any():
            break
    return mask


def _group_rows(texts: list[_Column], group: QueryGroup, within: np.ndarray) -> np.ndarray:
    """The rows among ``within`` that hold every word of the group, or one of the names it stands for."""
    rows = within.copy()
    for chunk in group.chunks:  # first: a plain word is what each column's first pass needs (see _Column)
        rows &= _rows(texts, word_pattern([chunk.words]), rows)
    folded = [n.words for n in group.names if not n.exact]
    exact = [n.words for n in group.names if n.exact]
    if folded:
        rows |= _rows(texts, word_pattern(folded, whole=True), within & ~rows)
    if exact:
        rows |= _rows(texts, word_pattern(exact, whole=True), within & ~rows, exact=True)
    return rows


def _rows(texts: list[_Column], pattern: str, within: np.ndarray, *, exact: bool = False) -> np.ndarray:
    """The rows among ``within`` where any text matches ``pattern``: as written when ``exact``, else folded. A row
    found in one column is not looked for in the next."""
    rows = np.zeros(len(within), dtype=bool)
    for text in texts:
        rows |= text.matches(pattern, within & ~rows, exact=exact)
    return rows


class _Column:
    """A searched column as its distinct values (places, titles and quotes repeat) and each row's, and, found with
    its first pattern, the values holding a character that folds into another letter (see :func:`_odd_class`),
    whose folded text decides for them."""

    def __init__(self, text: pa.Array) -> None:
        if _repeats(text):
            encoded = pc.dictionary_encode(text)
            self.values: pa.Array = encoded.dictionary
            self.codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)  # -1: a missing value
        else:  # distinct values would cost a pass over the text and save little
            self.values, self.codes = text, np.arange(len(text))
        self._odd: np.ndarray | None = None  # which values hold such a character
        self._place = np.full(len(self.values), -1)  # each odd value's place in _folded
        self._folded = pa.array([], type=pa.string())  # the odd values, folded

    def matches(self, pattern: str, within: np.ndarray, *, exact: bool = False) -> np.ndarray:
        """Which rows among ``within`` match ``pattern``: as written when ``exact``, else folded."""
        wanted = None
        if not within.all():
            used = np.zeros(len(self.values) + 1, dtype=bool)
            used[self.codes[within]] = True
            wanted = np.flatnonzero(used[:-1])
        return np.append(self._hits(pattern, wanted, exact), False)[self.codes] & within

    def _hits(self, pattern: str, wanted: np.ndarray | None, exact: bool) -> np.ndarray:
        """Which values (of ``wanted``, or all) match ``pattern``."""
        if not exact and self._odd is None:
            wanted = None  # the first pass looks at every value, and finds the odd ones on the way
        hits = np.zeros(len(self.values), dtype=bool)
        index = slice(None) if wanted is None else wanted
        values = self.values if wanted is None else self.values.take(pa.array(wanted))
        if exact:
            hits[index] = _bools(pc.match_substring_regex(values, pattern))
            return hits
        if self._odd is None:  # one pass for both; a plain word keeps RE2's automaton small
            hits[:] = _bools(pc.match_substring_regex(values, f"(?i:{pattern})|[{_odd_class()}]"))
            found = np.flatnonzero(hits)
            self._odd = found[_bools(pc.match_substring_regex(values.take(pa.array(found)), f"[{_odd_class()}]"))]
            self._place[self._odd] = np.arange(len(self._odd))
            self._folded = fold_array(self.values.take(pa.array(self._odd)))
        else:
            hits[index] = _bools(pc.match_substring_regex(values, f"(?i:{pattern})"))
        odd = self._odd if wanted is None else wanted[self._place[wanted] >= 0]
        if len(odd):
            hits[odd] = _bools(pc.match_substring_regex(self._folded.take(pa.array(self._place[odd])), pattern))
        return hits


def _repeats(text: pa.Array) -> bool:
    """Whether a sample of the text repeats enough for its distinct values to be worth finding."""
    sample = text.take(np.linspace(0, len(text) - 1, min(len(text), SAMPLE_ROWS)).astype(np.int64)).to_pylist()
    return len(set(sample)) < MAX_DISTINCT_SHARE * len(sample)


def _strings(column: pd.Series) -> pa.Array:
    """A column as Arrow strings: as pandas holds it when it holds it so, else built (a cell that is no string is
    null)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        strings = pa.array(column)
        return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings
    return pa.array([v if isinstance(v, str) else None for v in column], type=pa.string())


def _bools(result: pa.Array) -> np.ndarray:
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def word_pattern(phrases: Iterable[tuple[str, ...]], *, whole: bool = False) -> str:
    """An RE2 pattern for any of the phrases (folded words, or words as written): each starts a word (Chinese and
    Japanese ones anywhere), its words follow one another, and its last word is a prefix, or whole if ``whole``.
    The start and end are written once around the alternatives: repeated in each one, they make RE2's automaton
    too big for its memory, and it falls back to a slower engine."""
    spaced, unspaced = set(), set()
    for words in phrases:
        (unspaced if _UNSPACED.match(words[0]) else spaced).add(_GAP.join(map(_literal, words)))
    alternatives = [f"{_START}(?:{'|'.join(sorted(spaced))})"] if spaced else []
    alternatives += sorted(unspaced)
    return f"(?:{'|'.join(alternatives)}){_END if whole else ''}"


def _literal(word: str) -> str:
    return "".join(c if c.isalnum() else f"\\x{{{ord(c):x}}}" for c in word)


@functools.cache
def _odd_class() -> str:
    """The characters whose folded form has other words than they have ("ü" is "u", "К" is "к", "ﬁ" is "fi", "½" is
    "1⁄2"), with every combining mark and Hangul jamo, which fold with their neighbours: an RE2 character class.
    ASCII is not in it (case aside, it folds to itself), nor punctuation that folds into punctuation ("…").
    Derived from the Unicode tables once per process."""
    codes = [c for c in range(0x80, 0x30000) if not 0xD800 <= c < 0xE000]
    chars = [chr(c) for c in codes]
    folded = fold_array(pa.array(chars, type=pa.string())).to_pylist()
    odd = [code for code, char, f in zip(codes, chars, folded, strict=True)
           if unicodedata.category(char).startswith("M") or not _inert(char, f)]
    odd += [c for start, end in _HANGUL_JAMO for c in range(start, end + 1)]
    ranges: list[list[int]] = []
    for code in sorted(set(odd)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(rf"\x{{{a:x}}}-\x{{{b:x}}}" for a, b in ranges)


def _inert(char: str, folded: str) -> bool:
    """Whether folding ``char`` into ``folded`` leaves the words of any text as they are."""
    return folded == char or (not _WORD.fullmatch(char) and bool(folded) and not _WORD.search(folded))
