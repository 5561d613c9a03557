"""The text search: folding, the word-prefix rule, punctuation, other scripts, place aliases, and the fast path
(RE2 on the text as written, the folded text only where a character folds into another letter) against the plain
one (every value folded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.dataset import search
from dashboard.dataset.filters import TEXT_COLUMNS, filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.search import Name, SearchAliases, fold, load_search_aliases, parse_query, text_mask
from dashboard.dataset.synthetic import synthetic_dataset
from dashboard.geography.countries import normalise_name


@pytest.fixture(scope="module")
def aliases() -> SearchAliases:
    return load_search_aliases()


def table(**texts: str) -> pd.DataFrame:
    """One row per keyword, its text as the title (the other searched columns empty)."""
    df = pd.DataFrame({"event_id": list(texts), "title": list(texts.values())})
    for column in ("place", "quote", "notes"):
        df[column] = ""
    return df


def found(df: pd.DataFrame, query: str, aliases: SearchAliases | None = None) -> list[str]:
    return sorted(df["event_id"][text_mask(df, query, TEXT_COLUMNS, aliases=aliases)])


@pytest.mark.parametrize(("text", "folded"), [
    ("KYÏV", "kyiv"),
    ("Zürich", "zurich"),
    ("Zu\u0308rich", "zurich"),  # decomposed: the accent is a combining mark
    ("Tōkyō", "tokyo"),
    ("Straße", "strasse"),  # casefold's "ß"
    ("Łódź Tromsø", "lodz tromso"),  # strokes Unicode does not decompose
    ("İstanbul", "istanbul"),
    ("ﬁve ½", "five 1⁄2"),  # compatibility forms
    ("Киев ЙОШКАР-ОЛА", "киев йошкар-ола"),  # Cyrillic: case only, "й" keeps its breve
    ("ΣΟΦΊΑ ς", "σοφία σ"),  # Greek keeps its accents; final sigma is a sigma
    ("ガ東京", "ガ東京"),  # kana keep their voicing mark
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("name", ["São Paulo", "Kasaï", "Łódź", "Tromsø", "Russia’s Far East", "Kvemo-Kartli",
                                  "Ho Chi Minh City", "Đà Nẵng", "Москва", "Zürich"])
def test_fold_agrees_with_the_gazetteers_names(name):
    assert search._WORD.findall(fold(name)) == search._WORD.findall(normalise_name(name))


RULE = table(
    vostok="Vostok 2022 joint military drills",
    sea="Naval drills in the Sea of Japan",
    kyiv="Russian troops try to take Kyiv",
    zurich="Talks in Zürich",
    decomposed="Zu\u0308rich decomposed",
    tokyo="Summit in Tōkyō",
    strasse="Protest on the Karl-Marx-Straße",
    troops="Over 50,000 troops",
    us="The U.S. State Department",
    far_east="Drills in Russia’s far east",
    events="Events near Kiev",
    cjk="东京会议",
    cyrillic="Бои под Киевом",
    hindi="मुंबई में हमला",
    punctuation="A (parenthesis), a [bracket], a back\\slash and example.com",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vos", ["vostok"]),  # a word prefix
        ("ostok", []),  # not the inside of a word
        ("ev", ["events"]),  # "Events" starts so; "Kiev" only ends so
        ("sea of jap", ["sea"]),  # every word, the last one a prefix
        ("jap sea", ["sea"]),  # in any order: each word must match, not the phrase
        ("sea of japan tokyo", []),  # … all of them
        ("drills", ["far_east", "sea", "vostok"]),
        ("drills vostok", ["vostok"]),
        ("KYÏV", ["kyiv"]),  # case and accents aside
        ("zurich", ["decomposed", "zurich"]), ("ZÜRICH", ["decomposed", "zurich"]),  # "ü" is "u" + a mark
        ("tokyo", ["tokyo"]), ("Tōkyō", ["tokyo"]),
        ("strasse", ["strasse"]), ("straße", ["strasse"]), ("marx", ["strasse"]),  # a hyphen parts words
        ("50,000", ["troops"]), ("000", ["troops"]), ("50 troops", ["troops"]),
        ("50.000", ["troops"]),  # the parts of a word follow one another, whatever the punctuation
        ("500", []),
        ("U.S.", ["us"]), ("u.s", ["us"]),
        ("russia's", ["far_east"]), ("Russia’s", ["far_east"]),  # plain and typographic apostrophes
        ("东京", ["cjk"]), ("会议", ["cjk"]),  # Chinese words, written without spaces, match anywhere
        ("Киевом", ["cyrillic"]), ("киев", ["cyrillic"]), ("КИЕВ", ["cyrillic"]),  # a prefix, any case
        ("ев", []),  # … not the inside of a word
        ("मुंबई", ["hindi"]), ("हमला", ["hindi"]),  # vowel signs are part of a word
        ("(", sorted(RULE["event_id"])), ("[", sorted(RULE["event_id"])),  # no letter or digit: no restriction
        ("\\", sorted(RULE["event_id"])), (".", sorted(RULE["event_id"])), ("*", sorted(RULE["event_id"])),
        ("(parenthesis)", ["punctuation"]), ("[bracket", ["punctuation"]), ("back\\slash", ["punctuation"]),
        ("example.com", ["punctuation"]),
        ("k.ev", []), ("e.ample", []), ("drills|naval", []),  # "." or "|" are no pattern
        (".*", sorted(RULE["event_id"])),
        ("x" * 300, []),  # longer than any text
        (" ".join(["drills"] * 100), ["far_east", "sea", "vostok"]),  # as long as the search box allows
        ("", sorted(RULE["event_id"])), ("   ", sorted(RULE["event_id"])),
    ],
)
def test_the_rule(query, expected):
    assert found(RULE, query) == expected


def test_every_field_counts_and_missing_values_do_not_match():
    df = pd.DataFrame({"event_id": ["a", "b", "c", "d"], "title": ["Drills", None, "", "x"],
                       "place": ["Sea of Japan", "Kyiv", None, "y"], "quote": [None, "", "“Troops”", "z"],
                       "notes": ["", None, "", "Hostomel"]})
    assert [found(df, q) for q in ("drills", "kyiv", "troops", "hostomel", "none")] == [["a"], ["b"], ["c"], ["d"], []]


def test_columns_of_any_string_dtype():
    df = table(a="Zürich talks", b="Kyiv")
    assert found(df.astype({"title": object}), "zurich") == ["a"]
    assert found(df.astype({"title": pd.StringDtype("python")}), "kyiv") == ["b"]
    assert found(df.assign(title=[1, "Kyiv"]), "kyiv") == ["b"]  # a cell that is no text is no match


def test_parse_query_keeps_words_and_their_written_form():
    assert [(c.words, c.written) for c in parse_query(" U.S.  (Kyïv) … ")] == [(("u", "s"), ("U", "S")),
                                                                            (("kyiv",), ("Kyïv",))]


# --- aliases ----------------------------------------------------------------------------------------------------

PLACES = [
    ("city:703448", ["Kyiv", "Kiev", "Kiew", "Киев", "IEV", "kiyeva", "Ko"]),  # a code, a transliteration, a fragment
    ("city:1816670", ["Beijing", "Peking", "Pekin", "北京"]),
    ("city:4905687", ["Pekin", "Pekin City"]),  # Pekin, Illinois: "Pekin" is its own name, not Beijing's
    ("country:PSE", ["Palestinian Territory", "Palestine, State of"]),
    ("city:1", ["Springfield", "Shared Name"]), ("city:2", ["Springfield", "Shared Name"]),  # an ambiguous other name
]
CURATED = [
    ("Gaza Strip", "Palestinian Territory", "alias"), ("West Bank", "Palestinian Territory", "alias"),
    ("Palestinian", "Palestinian Territory", "demonym"),
    ("US", "United States", "abbreviation"), ("U.S.", "United States", "abbreviation"),
    ("Kharkov", "Kharkiv", "transliteration"),  # a name the places do not know: a place of its own
]


@pytest.fixture(scope="module")
def small() -> SearchAliases:
    return SearchAliases(PLACES, CURATED)


def names(aliases: SearchAliases, query: str) -> set[str]:
    return {("=" if n.exact else "") + " ".join(n.words) for n in aliases.other_names(parse_query(query))}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kiev", {"kyiv", "kiev", "kiew", "киев"}),  # not the code, the lower-case transliteration, the fragment
        ("KYIV", {"kyiv", "kiev", "kiew", "киев"}),
        ("Peking", {"beijing", "peking", "北京"}),  # not "Pekin": that is the Illinois city's own name
        ("Pekin", {"pekin", "pekin city"}),
        ("Springfield", {"springfield"}),  # "Shared Name" names two places: dropped
        ("Shared Name", set()),
        ("Gaza Strip", {"palestinian territory", "palestine state of"}),  # not the West Bank: it only points there
        ("Palestinian Territory", {"palestinian territory", "palestine state of", "gaza strip", "west bank",
                                   "palestinian"}),
        ("US", {"=US", "=U S", "united states"}),  # abbreviations are names of their place: each finds the others
        ("U.S.", {"=US", "=U S", "united states"}),
        ("us", set()),  # … but only in capitals: "us" is a word
        ("Kharkov", {"kharkov", "kharkiv"}),
        ("Narnia", set()),
    ],
)
def test_other_names(small, query, expected):
    assert names(small, query) == expected


def test_aliases_in_the_search(small):
    df = table(kyiv="Shelling near Kiev", us="Told the U.S. envoy", pronoun="He told us", gaza="In the West Bank",
               kharkiv="Kharkiv under fire")
    assert found(df, "Kyiv", small) == ["kyiv"]  # the canonical name finds the alias …
    assert found(df, "Kiew", small) == ["kyiv"]  # … and any name finds the others
    assert found(df, "United States", small) == ["us"]  # "U.S." as written, not the pronoun
    assert found(df, "US", small) == ["pronoun", "us"]  # the word "us" itself still matches as typed
    assert found(df, "Gaza Strip", small) == []
    assert found(df, "Kharkov", small) == ["kharkiv"]
    assert found(df, "Kiev shelling", small) == ["kyiv"]  # a name and another word
    assert found(df, "Kiev envoy", small) == []


def test_the_packaged_aliases(aliases):
    assert len(aliases) > 100_000  # GeoNames' cities, pycountry's countries, the curated regions and aliases
    assert {"kiev", "kiew", "kyiv", "киев", "київ"} <= names(aliases, "Kiev")
    assert {"beijing", "peking", "北京"} <= names(aliases, "Peking")
    assert {"sea of japan", "east sea", "japan sea"} <= names(aliases, "sea of japan")
    assert names(aliases, "drills") == names(aliases, "troops") == set()
    assert Name(("U", "S"), exact=True) in aliases.other_names(parse_query("United States"))


# --- the fast path against the plain one ------------------------------------------------------------------------


class _FoldedColumn:
    """The plain path: every value folded, then matched."""

    def __init__(self, text) -> None:
        self.text = text
        self.folded = search.fold_array(text)

    def matches(self, pattern: str, within: np.ndarray, *, exact: bool = False) -> np.ndarray:
        result = pc.match_substring_regex(self.text if exact else self.folded, pattern)
        return search._bools(result) & within


def plain_mask(df: pd.DataFrame, query: str, aliases: SearchAliases | None = None) -> np.ndarray:
    original = search._Column
    search._Column = _FoldedColumn
    try:
        return text_mask(df, query, TEXT_COLUMNS, aliases=aliases)
    finally:
        search._Column = original


PLAIN = "aeiouksyzAEIOUKSYZ,.-’'…\u00a0"  # letters that fold to themselves (case aside), punctuation
ODD = "äöüÄÖÜéÉßẞıİłŁøØﬁ½²кКиИйЙёЁσΣςἀ东京ガ\u0301\u0308"  # characters that fold into others, or with neighbours
texts = st.text(alphabet=PLAIN + ODD + " ", max_size=30)
queries = st.text(alphabet=PLAIN + ODD + " ", max_size=8)


@st.composite
def tables_and_queries(draw: st.DrawFn) -> tuple[pd.DataFrame, str]:
    """A few short values over a few letters, some of them folding into others (so that they meet), and a query:
    arbitrary, or a piece of a value."""
    letters = "".join(draw(st.lists(st.sampled_from(PLAIN), min_size=1, max_size=3))
                      + draw(st.lists(st.sampled_from(ODD), min_size=1, max_size=3))) + " "
    values = draw(st.lists(st.text(alphabet=letters, max_size=12), min_size=1, max_size=8))
    value = draw(st.sampled_from(values))
    start = draw(st.integers(0, len(value)))
    query = draw(st.text(alphabet=letters, max_size=6) | st.just(value[start:start + draw(st.integers(1, 6))]))
    return pd.DataFrame({"title": values, "place": values[::-1], "quote": "", "notes": ""}), query


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_and_queries())
def test_the_fast_path_finds_what_folding_every_value_finds(case):
    df, query = case
    assert (text_mask(df, query, TEXT_COLUMNS) == plain_mask(df, query)).all()


TRICKY = ["Zu\u0308rich talks", "ZÜRICH", "Straße", "STRASSE", "ﬁve ½ ²", "Киев КИЕВ", "Ёлка ёлка", "ΣΟΦΊΑ ς",
          "ἀθῆναι", "東京タワー", "İstanbul ıstanbul", "Łódź Tromsø", "e\u0301te\u0301 été", "ガ ｶﾞ", "Ｋｙｉｖ",
          "ǅemal", "Kelvin \u212a", "ﬃ", "Ⅻ century", "No\u00a0limits…", "µ-law"]


def test_the_fast_path_on_tricky_values():
    df = pd.DataFrame({"title": TRICKY, "place": TRICKY[::-1], "quote": "", "notes": ""})
    words = {w for value in TRICKY for w in search._WORD.findall(value) + search._WORD.findall(fold(value))}
    for query in sorted({w[:n] for w in words for n in (1, 3, len(w))}):
        assert (text_mask(df, query, TEXT_COLUMNS) == plain_mask(df, query)).all(), query


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=12), queries, queries)
def test_another_word_never_adds_rows(values, query, more):
    df = pd.DataFrame({"title": values, "place": "", "quote": "", "notes": ""})
    assert not (text_mask(df, f"{query} {more}", TEXT_COLUMNS) & ~text_mask(df, query, TEXT_COLUMNS)).any()


def test_the_fast_path_on_synthetic_events(aliases):
    events = synthetic_dataset(3000, seed=3).events  # repeated places and quotes: searched as distinct values
    for query in ("kyiv", "Kiev", "armed conflict near", "Zürich", "sao paulo", "a", "reported drones", "U.S.",
                  "United States", "Москва", "Moscow", "东京", "xyzzy"):
        assert (text_mask(events, query, TEXT_COLUMNS, aliases=aliases)
                == plain_mask(events, query, aliases)).all(), query


def test_every_event_is_found_by_the_beginning_of_any_word_of_its_title():
    events = load_events()
    for index, title in events["title"].items():
        for word in search._WORD.findall(title):
            assert index in filter_events(events, text=word[:3]).index, (title, word)
