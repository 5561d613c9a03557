"""Place names in text: find them by longest match first, then resolve each one offline.

The names come from the data layer (:mod:`dashboard.geography.gazetteer` and
:mod:`dashboard.geography.divisions`: the curated regions, countries, GeoNames cities, first-order divisions,
GeoNames' English division names and second-order divisions ("East Java", "Scott County"), continents and UN
sub-regions) and the curated ``data/aliases.csv`` (abbreviations, transliterations, former names and unambiguous
demonyms). Matching is by capitalised phrase, longest first, so "Sea of Japan" is taken before "Japan" and "Russia's
far east" before "Russia"; an elided connector is part of a name ("Côte d'Ivoire").

Resolution uses general priors only, no per-name rules: the kind of place (a curated region over a country over
a division over a city), a capital's standing, population, the countries the article mentions and the first-order
divisions it names more than once, a following ", Country" or ", State" ("Pandi, Bulacan"; a list of states is no
container), the city before ", State" ("Rockville, Maryland"), a cue word ("New York state"; a cued name is never a
same-named town abroad) and a list of divisions around the name. A town named like a division of its country but
lying in another never wins on priors alone ("California" is the state), and each name keeps one reading per
article, its most confident mention's. A name inside a longer proper name ("Kenya Broadcasting Corporation", "Ned
Price", "Nelson Mandela") is kept as a qualifier: it names a country for participants but is not a place; a place's
own public bodies ("Seoul City Hall") do not make it one.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, NamedTuple

from geopy.distance import distance

from ..dataset.schema import LocationPrecision
from ..geography.countries import country_figure, geonames_countries, normalise_name
from ..geography.divisions import DIRECTIONS, divisions
from ..geography.gazetteer import GeocodeResult, OfflineGazetteer
from ..paths import ALIASES_PATH

__all__ = [
    "ALIASES_PATH",
    "Candidate",
    "Mention",
    "Resolved",
    "ToponymIndex",
    "context_countries",
    "context_divisions",
    "find_mentions",
    "resolve_mentions",
]

MAX_TOKENS = 6  # the longest name tried ("Democratic Republic of the Congo")
CITY_MIN_POPULATION = 1000  # the GeoNames index searched; smaller towns only count where the article points there
CITY_MIN_POPULATION_UNPROMPTED = 15000  # a city outside every country the article mentions must be at least this big
Kind = Literal["region", "continent", "country", "division", "city"]

# Prior for each kind of place: a name that is a curated region or a country usually means that.
KIND_PRIOR: dict[str, float] = {"region": 5.0, "country": 4.0, "continent": 4.0, "division": 3.0, "city": 2.0}
CAPITAL_BONUS = 1.5  # "Washington" the capital over Washington state
CONTEXT_BONUS = 2.0  # a division or city in a country the article mentions
DIVISION_CONTEXT_BONUS = 1.0  # a city or county in a first-order division the article names ("Indiana") ...
DIVISION_CONTEXT_MIN_MENTIONS = 2  # ... more than in passing: "Boston" in an article that once names New York
ALTERNATE_NAME_PENALTY = 0.5  # a city known by this name only as an alternate name

LIST_MIN_DIVISIONS = 2  # other names of a list that are only divisions, for a name in it to be one too
SAME_ENTITY_KM = 1000  # a same-named division this close to a country is that country ("Taiwan")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that begin a sentence or a title and never start a place name: function words, pronouns,
# quantifiers, months and weekdays ("We", "Many", "March", "May").
STOP_WORDS = _words(
    "a about after all also although an and any as at because before both but by during each either every few "
    "for from he her here his how however i if in into it its many more most my neither no nor not now of off on "
    "one only or other our over she since so some such than that the their them then there these they this those "
    "through to under until via we what when where which while who why with within without yes you your "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday")
# Lower-case words allowed inside a multi-word name ("Sea of Japan", "Port-au-Prince", "Davao del Sur").
CONNECTORS = _words("of the de del la le al el and upon on sur du des da do dos das y von van am im an au aux en di")
# Words after a name that make it part of a place ("Scott County"), not of an organisation ("Kenya Airways"); alone,
# they are no place.
GEOGRAPHIC_GENERICS = _words(
    "county province region district island islands valley river lake mountains peninsula coast oblast krai "
    "prefecture governorate municipality department territory bay creek centre center")
# "<Head> of X" is an organisation, not a place: "University of Southern Indiana", "Bank of England".
ORGANISATION_HEADS = _words(
    "university college school institute department ministry bank museum hospital church academy council "
    "office agency bureau commission committee embassy consulate")
# A place's own public bodies name the place: "Seoul City Hall", "Queensland Police", "Mexico City Health Secretary"
# (unlike a company's name: "Kenya Airways").
PUBLIC_BODIES = _words("city police army navy government council ministry parliament health regional provincial")
# A name before these is a disease or a strain named after a place ("Marburg virus", "Reston ebolavirus").
DISEASE_WORDS = _words("virus ebolavirus fever haemorrhagic hemorrhagic strain variant")
# Before a name, these make it a person's ("Dr. Moll", "President Bush"); next to it, so do these verbs.
TITLES = _words("dr mr mrs ms miss prof professor sir lord lady dame president senator governor mayor minister "
                "secretary general judge father sister brother saint st")
PLACE_PREPOSITIONS = _words("of in at near")
SPEECH_VERBS = _words("said says told added explained explains stated believes thinks wrote writes asked noted "
                      "declared")
# A name right before one of these ("Salinas Valley", "Scott County") or after one ("Lake Titicaca") is part of a
# feature the index does not hold; resolving the bare name ("Salinas") would put it in the wrong place.
FEATURE_WORDS = _words("valley mountains mountain delta bay county lake river island islands peninsula canal strait "
                       "gulf sea desert plateau basin range creek mount")

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:\w|[’'.](?=\w))*")
_ELIDED = re.compile(r"[a-z]{1,4}[’'][A-Z]\w*")  # "d'Ivoire", "dell'Aquila": an elided connector and a name
_EVENT_YEAR = re.compile(r" (?:19|20)\d\d\b")
_POSSESSIVE = re.compile(r"[’']s$")
# "New York state", "Punjab province", "the state of Washington"; not "state television", "state-run media".
_CUE_AFTER = re.compile(r" (?:state|province)\b(?![ -](?:run|owned|controlled|media|television|tv|radio|news|"
                        r"broadcaster|agency|press|newspaper|company|firm|enterprise)\b)", re.IGNORECASE)
_CUE_BEFORE = re.compile(r"\b(?:state|province) of (?:the )?$", re.IGNORECASE)
_ACADEMIC_AFTER = re.compile(r" (?:University|College|School|Institute)\b")
_CUE_WINDOW = 20  # characters before a name searched for "the state of "


@dataclass(frozen=True)
class Candidate:
    """One thing a name may mean: its coordinates (as the data layer resolves them) and what helps choose it."""

    result: GeocodeResult
    kind: Kind
    population: int = 0
    exact: bool = True  # the name is the place's main name, not an alternate one
    capital: bool = False
    division: str = ""  # ISO 3166-2 code of the division it is or lies in, where known (divisions, US cities)


class Container(NamedTuple):
    """What a neighbouring name says contains this one: its country and, for ", State", the division."""

    country: str
    division: str = ""
    point: tuple[float, float] | None = None  # the division's, for towns whose division is not known by code
    town: Candidate | None = None  # the same-named town nearest to that point: the one in the division


@dataclass(frozen=True)
class Mention:
    """A name found in the text, by character offsets (``text[start:end]``), and everything it may mean."""

    start: int
    end: int
    text: str
    candidates: tuple[Candidate, ...]
    demonym: bool = False  # "Chinese": names a country, is not a place mention
    embedded: bool = False  # inside a longer proper name: "Kenya Broadcasting Corporation"

    @property
    def is_place(self) -> bool:
        return not (self.demonym or self.embedded)


@dataclass(frozen=True)
class Resolved:
    """A place mention with the candidate chosen for it and a confidence in [0, 1]."""

    mention: Mention
    place: Candidate
    confidence: float


class ToponymIndex:
    """Every name the extractor knows, folded, with what each may mean. Built once; look-ups are dict reads."""

    def __init__(self, gazetteer: OfflineGazetteer | None = None, *, aliases_path: Path = ALIASES_PATH) -> None:
        self.gazetteer = gazetteer or OfflineGazetteer(city_min_population=CITY_MIN_POPULATION)
        self._aliases = read_aliases(aliases_path)

    def candidates(self, phrase: str) -> tuple[tuple[Candidate, ...], bool]:
        """What ``phrase`` may mean, and whether it is a demonym. Empty when it names nothing known."""
        alias = self._alias(phrase)
        if alias is not None:
            return self._named(alias[0]), alias[1] == "demonym"
        if phrase.isupper():  # ISO codes and acronyms ("CAN", "WHO") count only through a curated alias
            return (), False
        found = self._named(phrase)
        if len(phrase) < 3:  # folding must not make a two-letter word a place: "Al" is not Norway's Ål, "Bo" is Bo
            found = tuple(c for c in found if c.result.name == phrase)
        return found, False

    def is_curated(self, phrase: str) -> bool:
        """Whether ``phrase`` is a curated alias or region, which may be written in lower case ("far east")."""
        return self._alias(phrase) is not None or self.gazetteer.region(phrase) is not None

    def _alias(self, phrase: str) -> tuple[str, str] | None:
        """The curated (name, kind) for ``phrase``; an abbreviation in capitals ("US", "ACT") must match case."""
        entry = self._aliases.get(normalise_name(phrase))
        if entry is None or (entry[2].isupper() and phrase != entry[2]):
            return None
        return entry[0], entry[1]

    def _named(self, name: str) -> tuple[Candidate, ...]:
        key = normalise_name(name)
        found: list[Candidate] = []
        if region := self.gazetteer.region(name):
            found.append(Candidate(region, "region"))
        if wider := self.gazetteer.wider_region(name):
            found.append(Candidate(wider, "continent"))
        if country := self.gazetteer.country(name):
            found.append(Candidate(country, "country"))
        found += [Candidate(d.result, "division", division=d.code) for d in divisions().get(key, [])]
        found += [self._city(record, key) for record in self.gazetteer.city_records(name)]
        return tuple(found)

    def _city(self, record: dict, key: str) -> Candidate:
        capital = (normalise_name(record["name"]), record["countrycode"]) in _capitals()
        # GeoNames' first-order codes are ISO 3166-2's only for the United States ("IL"): "Springfield, Illinois".
        division = f"US-{record['admin1code']}" if record["countrycode"] == "US" and record["admin1code"] else ""
        return Candidate(self.gazetteer.city_result(record), "city", int(record["population"]),
                         normalise_name(record["name"]) == key, capital, division)


def read_aliases(path: Path) -> dict[str, tuple[str, str, str]]:
    """``data/aliases.csv`` as folded alias -> (name the index knows, kind, the alias as written)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return {normalise_name(row["alias"]): (row["name"], row["kind"], row["alias"])
                for row in csv.DictReader(handle)}


@functools.cache
def _capitals() -> frozenset[tuple[str, str]]:
    return frozenset((normalise_name(c["capital"]), c["iso"]) for c in geonames_countries().values()
                     if c.get("capital"))


# --- finding ---------------------------------------------------------------------------------------------------


def find_mentions(text: str, index: ToponymIndex) -> list[Mention]:
    """Every known name in ``text``, longest match first, left to right, never overlapping."""
    tokens = list(_TOKEN.finditer(text))
    lowercase = frozenset(t.group() for t in tokens if t.group().islower())
    persons = _person_names(text, tokens)
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = _match_at(text, tokens, i, index)
        if found is None:
            i += 1
            continue
        mention, used = found
        if not _is_word_or_person(mention, lowercase, persons) and not _part_of_feature(text, tokens, i, i + used):
            mention = _mark_embedded(text, tokens, i, i + used, mention, index)
            if mentions and _same_proper_name(mentions[-1], mention, text):
                mention = replace(mention, embedded=True)
            mentions.append(mention)
        i += used
    return mentions


def _same_proper_name(previous: Mention, mention: Mention, text: str) -> bool:
    """Whether a town's name is the second word of a proper name whose first word was taken for a qualifier:
    "Nelson Mandela" ("Nelson" is embedded in the name, so "Mandela" is too)."""
    return (previous.embedded and text[previous.end:mention.start] == " "
            and all(c.kind == "city" for c in mention.candidates))


def _match_at(text: str, tokens: Sequence[re.Match], i: int, index: ToponymIndex) -> tuple[Mention, int] | None:
    first = tokens[i].group()
    if not first[0].isupper() or first.lower() in STOP_WORDS:
        return _match_article(text, tokens, i, index)
    for j in range(min(len(tokens), i + MAX_TOKENS), i, -1):
        if not _joined(text, tokens[i:j]):
            continue
        title_cased = _title_cased([t.group() for t in tokens[i:j]])
        for start, end in _spans(tokens[i].start(), tokens[j - 1].end(), text):
            phrase = text[start:end]
            candidates, demonym = index.candidates(phrase)
            if candidates and (title_cased or index.is_curated(phrase)):
                return Mention(start, end, phrase, candidates, demonym), j - i
    return None


def _match_article(text: str, tokens: Sequence[re.Match], i: int, index: ToponymIndex) -> tuple[Mention, int] | None:
    """A name that starts with "The" only when the whole phrase is a name ("The Netherlands")."""
    if (tokens[i].group() != "The" or i + 1 >= len(tokens) or not tokens[i + 1].group()[0].isupper()
            or not _joined(text, tokens[i:i + 2])):
        return None
    phrase = text[tokens[i].start():tokens[i + 1].end()]
    candidates, demonym = index.candidates(phrase)
    return (Mention(tokens[i].start(), tokens[i + 1].end(), phrase, candidates, demonym), 2) if candidates else None


def _spans(start: int, end: int, text: str) -> Iterator[tuple[int, int]]:
    """The phrase, then the phrase without a possessive "'s"."""
    yield start, end
    if _POSSESSIVE.search(text[start:end]):
        yield start, end - 2


def _joined(text: str, tokens: Sequence[re.Match]) -> bool:
    """Whether consecutive tokens are separated by one space or a hyphen only (no comma, no line break)."""
    return all(text[a.end():b.start()] in (" ", "-") for a, b in itertools.pairwise(tokens))


def _title_cased(words: Sequence[str]) -> bool:
    """Every word capitalised but lower-case connectors inside ("Sea of Japan"), so "Eastern province" is not. An
    elided connector is one with the capitalised word it is joined to ("Côte d'Ivoire", "Val d'Oise")."""
    return _capitalised(words[-1]) and all(_capitalised(w) or w in CONNECTORS for w in words)


def _capitalised(word: str) -> bool:
    return word[0].isupper() or bool(_ELIDED.fullmatch(word))


def _person_names(text: str, tokens: Sequence[re.Match]) -> frozenset[str]:
    """Capitalised words the article uses as people's names: after a title ("Dr. Moll"), or next to a speech
    verb ("Steele says", "said Clifford"). Every use of such a word is then taken for the person."""
    names = set()
    for k, token in enumerate(tokens):
        word = token.group()
        if not word[0].isupper() or word.lower() in STOP_WORDS:
            continue
        gap_before = text[tokens[k - 1].end():token.start()] if k else ""
        before = tokens[k - 1].group().lower() if k else ""
        after = [(text[a.end():b.start()], b.group().lower()) for a, b in itertools.pairwise(tokens[k:k + 3])]
        placed = before in PLACE_PREPOSITIONS  # "the Mayor of Boston declared": the place, not a person
        if ((before in TITLES and gap_before in (" ", ". ")) or (before in SPEECH_VERBS and gap_before == " ")
                or (not placed and after[:1] and after[0][0] == " " and after[0][1] in SPEECH_VERBS)
                or (len(after) == 2 and after[0] == (" ", "also") and after[1][1] in SPEECH_VERBS)):
            names.add(word)
    return frozenset(names)


def _part_of_feature(text: str, tokens: Sequence[re.Match], i: int, j: int) -> bool:
    """Whether the name is part of a larger feature: "Salinas Valley", "Lake Titicaca", "South West", "Danube
    Delta" (no mention of Nigeria's Delta State; "Nigeria's Delta state" and "Lagos. Delta officials" are)."""
    # A neighbour counts only inside the name's clause: in "Austin, in Scott County, Indiana" the "County" before
    # the comma does not make "Indiana" part of a feature.
    after = tokens[j].group() if j < len(tokens) and _joined(text, tokens[j - 1:j + 1]) else ""
    before = tokens[i - 1].group() if i > 0 and _joined(text, tokens[i - 1:i + 1]) else ""
    if {w.group().lower() for w in tokens[i:j]} <= DIRECTIONS:
        return True
    if _POSSESSIVE.search(tokens[j - 1].group()):  # "Nigeria's Delta state": the name ends before the feature
        after = ""
    if j - i == 1 and tokens[i].group().lower() in FEATURE_WORDS and before == "the":
        return True  # "the Gulf" is a sea, not Papua New Guinea's Gulf Province
    if (j - i == 1 and tokens[i].group().lower() in FEATURE_WORDS and before[:1].isupper()
            and text[tokens[i - 1].end():tokens[i].start()] == " " and before.lower() not in STOP_WORDS
            and not _POSSESSIVE.search(before)):
        return True
    return any(w[:1].isupper() and w.lower() in FEATURE_WORDS for w in (after, before))


def _is_word_or_person(mention: Mention, lowercase: frozenset[str], persons: frozenset[str]) -> bool:
    """A one-word town or division the article also writes in lower case ("Police", "Reading"), a generic word
    ("Valley", "East"), a person's name ("Ivins"), or a town known by this one word only as an alternate name
    ("University", "Part") is not a place here; curated aliases ("Kiev") are not affected."""
    if " " in mention.text or "-" in mention.text or any(c.kind in ("region", "country", "continent")
                                                         for c in mention.candidates):
        return False
    word = mention.text.lower()
    if word in lowercase or word in GEOGRAPHIC_GENERICS | DIRECTIONS | STOP_WORDS | ORGANISATION_HEADS:
        return True  # ... or an institution's head word: "the University of California", "Aberdeen University"
    cities = [c for c in mention.candidates if c.kind == "city"]
    if len(cities) == len(mention.candidates):
        return mention.text in persons or all(not c.exact and not _short_form(word, c) for c in cities)
    return False


def _short_form(word: str, city: Candidate) -> bool:
    """Whether ``word`` is the usual short form of the city's full name: "Acapulco" of "Acapulco de Juárez"."""
    rest = normalise_name(city.result.name).removeprefix(normalise_name(word) + " ")
    return rest != normalise_name(city.result.name) and rest.split()[0] in CONNECTORS


def _mark_embedded(text: str, tokens: Sequence[re.Match], i: int, j: int, mention: Mention,
                   index: ToponymIndex) -> Mention:
    after = tokens[j] if j < len(tokens) else None
    gap_after = text[mention.end:after.start()] if after is not None else ""
    if text[mention.end:mention.end + 1] == "$" or (after is not None and gap_after in (" ", "-") and
                                                    after.group().lower() in DISEASE_WORDS):
        return replace(mention, embedded=True)  # "US$10", "Marburg virus"
    if _EVENT_YEAR.match(text, mention.end):
        return replace(mention, embedded=True)  # "Vostok 2022", "Beijing 2008": an event's name
    # "Delta State" is the division, not an organisation; "Michigan State University" is a university.
    division_word = (after is not None and after.group() in ("State", "Province")
                     and any(c.kind == "division" for c in mention.candidates)
                     and not _ACADEMIC_AFTER.match(text, after.end()))
    if (after is not None and not division_word and not mention.text.endswith(".")
            and after.group().lower() not in PUBLIC_BODIES and _proper_neighbour(gap_after, after.group(), index)):
        return replace(mention, embedded=True)
    if _after_organisation_head(tokens, i):
        return replace(mention, embedded=True)
    before = tokens[i - 1] if i > 0 else None
    if (before is not None and all(c.kind == "city" for c in mention.candidates)
            and _proper_neighbour(text[before.end():mention.start], before.group(), index)):
        return replace(mention, embedded=True)
    return mention


def _proper_neighbour(gap: str, word: str, index: ToponymIndex) -> bool:
    """A capitalised word, not itself a place, right next to a name with only a space or hyphen between."""
    if gap not in (" ", "-") or not word[0].isupper() or word.lower() in GEOGRAPHIC_GENERICS | STOP_WORDS | TITLES:
        return False
    return all(c.kind == "city" for c in index.candidates(word)[0])  # "India-Pakistan" is two places


def _after_organisation_head(tokens: Sequence[re.Match], i: int) -> bool:
    words = [t.group() for t in tokens[max(0, i - 3):i]]
    if words and words[-1] == "the":
        words = words[:-1]
    return len(words) >= 2 and words[-1] == "of" and words[-2].lower() in ORGANISATION_HEADS


# --- resolving -------------------------------------------------------------------------------------------------


def context_countries(mentions: Iterable[Mention]) -> Counter[str]:
    """The countries an article names unambiguously (countries, demonyms, qualifiers, divisions: "California"),
    by how often; the context prior."""
    counts: Counter[str] = Counter()
    for mention in mentions:
        kinds = {c.kind for c in mention.candidates}
        if "country" in kinds:  # "Panamá": the country and its province of the same name both name Panama
            countries = {c.result.country for c in mention.candidates if c.kind in ("country", "division")}
        elif "division" in kinds and not kinds & {"region", "continent"}:
            # A big town abroad makes the name ambiguous; one known by it only as an alternate name does not
            # ("Indiana" is also an old name of Nanuque, Brazil).
            countries = {c.result.country for c in mention.candidates
                         if c.kind == "division" or (c.exact and c.population >= CITY_MIN_POPULATION_UNPROMPTED)}
        else:
            continue
        if len(countries) == 1:
            counts.update(countries)  # "Kenya", "California"; not "Georgia" nor "Santa Ana" (several countries)
    return counts


def context_divisions(mentions: Iterable[Mention]) -> Counter[str]:
    """The first-order divisions (ISO 3166-2) an article names unambiguously and more than in passing ("Indiana";
    not "Georgia", also a country, nor "Scott County", in eleven states, nor "Santa Ana", also a big city elsewhere),
    by how often; a city or county there is likelier."""
    counts: Counter[str] = Counter()
    for mention in mentions:
        kinds = {c.kind for c in mention.candidates}
        # As for countries: a big town elsewhere makes the name ambiguous ("Santa Ana"), an alternate name does not.
        codes = {c.division for c in mention.candidates
                 if c.kind == "division" or (c.exact and c.population >= CITY_MIN_POPULATION_UNPROMPTED)}
        if mention.is_place and kinds <= {"division", "city"} and "division" in kinds and len(codes) == 1 \
                and "" not in codes:
            counts.update(codes)
    return Counter({code: n for code, n in counts.items() if n >= DIVISION_CONTEXT_MIN_MENTIONS})


def resolve_mentions(mentions: Sequence[Mention], text: str) -> list[Resolved]:
    """The place mentions of an article, each resolved to its most likely candidate; unlikely ones dropped.

    Neighbours help: a container after the name ("Evansville, Indiana"), the city before it when the name is
    that city's division ("Rockville, Maryland"), and a cue word that makes it a division ("New York state",
    "the province of Punjab").
    """
    context = Context(context_countries(mentions), context_divisions(mentions))
    resolved: list[Resolved] = []
    previous: Resolved | None = None
    for k, mention in enumerate(mentions):
        if not mention.is_place:
            continue
        hint = _following_container(mentions, k, text) or _preceding_contained(previous, mention, text)
        hint = _nearest_to_container(mention.candidates, hint)
        among = _cued_candidates(mentions, k, text, context, hint)
        choice = _choose(among, context, hint)
        if choice is not None:
            previous = _with_confidence(mention, choice, context, hint, among)
            resolved.append(previous)
    return _one_reading_per_name(resolved)


def _cued_candidates(mentions: Sequence[Mention], k: int, text: str, context: Context,
                     hint: Container | None) -> Sequence[Candidate]:
    """The candidates a cue word leaves: the divisions after "state"/"province" or in a list of divisions. A cued
    name that is no known division ("Gondra province") may still be a division named after a town of a country
    the article is about, but never a same-named town abroad."""
    mention = mentions[k]
    if not (_division_cue(mention, text) or _in_division_list(mentions, k, text)):
        if _cue_word(mention, text) and not any(c.kind in ("country", "region", "continent")
                                                for c in mention.candidates):
            return [c for c in mention.candidates if c.result.country in context
                    or (hint is not None and c.result.country == hint.country)]
        return mention.candidates
    return [c for c in mention.candidates if c.kind == "division"] or mention.candidates


def _one_reading_per_name(resolved: list[Resolved]) -> list[Resolved]:
    """Every mention of a name in an article means what its most confident mention means: "New York" after "New
    York state" is the state, not the city, and a name a neighbour made clear ("Austin, Texas") stays clear."""
    def name(item: Resolved) -> str:
        return normalise_name(_POSSESSIVE.sub("", item.mention.text))

    best: dict[str, Resolved] = {}
    for item in resolved:
        if name(item) not in best or item.confidence > best[name(item)].confidence:
            best[name(item)] = item
    return [replace(item, place=best[name(item)].place, confidence=best[name(item)].confidence) for item in resolved]


def _following_container(mentions: Sequence[Mention], k: int, text: str) -> Container | None:
    """The country (and division) of a division or country right after ", " ("Springfield, Illinois"), if any.
    A country is no container of a name that is itself a country, and a list is no container either: "Mexico,
    China, Japan", "Virginia, Washington, West Virginia"."""
    if k + 1 >= len(mentions) or text[mentions[k].end:mentions[k + 1].start] != ", ":
        return None
    if k > 0 and text[mentions[k - 1].end:mentions[k].start] == ", " and _division_like(mentions[k - 1]):
        return None
    if (k + 2 < len(mentions) and _division_like(mentions[k]) and _division_like(mentions[k + 2])
            and text[mentions[k + 1].end:mentions[k + 2].start] in _LIST_GAPS):
        return None  # "California, Pennsylvania and Ohio": a list of states, not California, Pennsylvania
    kinds = ("division",) if any(c.kind == "country" for c in mentions[k].candidates) else ("country", "division")
    containers = [c for c in mentions[k + 1].candidates if c.kind in kinds]
    countries = {c.result.country for c in containers}
    if len(countries) != 1:
        return None
    divisions = [c for c in containers if c.kind == "division"]
    codes = {c.division for c in divisions}
    point = (divisions[0].result.latitude, divisions[0].result.longitude) if len(divisions) == 1 else None
    return Container(countries.pop(), codes.pop() if len(codes) == 1 else "", point)


def _in_division_list(mentions: Sequence[Mention], k: int, text: str) -> bool:
    """Whether the name sits in a list of divisions: at least two of the other names of its list (names joined by
    ", " and "and") are only divisions. "Utah, Virginia, Washington, West Virginia and Wyoming" (Washington the
    state, not the capital); "states including Georgia, Oklahoma, Pennsylvania" (Georgia the state)."""
    if not any(c.kind == "division" for c in mentions[k].candidates):
        return False
    first = last = k
    while first > 0 and text[mentions[first - 1].end:mentions[first].start] in _LIST_GAPS:
        first -= 1
    while last + 1 < len(mentions) and text[mentions[last].end:mentions[last + 1].start] in _LIST_GAPS:
        last += 1
    others = [m for i, m in enumerate(mentions[first:last + 1], first) if i != k]
    return sum(_division_like(m) for m in others) >= LIST_MIN_DIVISIONS


def _division_like(mention: Mention) -> bool:
    """A name that may be a division and is no country or wider region ("Virginia", "Texas"; not "Georgia")."""
    kinds = {c.kind for c in mention.candidates}
    return "division" in kinds and not kinds & {"country", "region", "continent"}


def _preceding_contained(previous: Resolved | None, mention: Mention, text: str) -> Container | None:
    """The country of the city resolved just before ", " when this name may be its division: "Rockville,
    Maryland" is the Maryland of the United States, not Liberia's."""
    if (previous is None or text[previous.mention.end:mention.start] != ", " or previous.place.kind != "city"
            or any(c.kind == "country" for c in mention.candidates)):  # "Washington, Georgia and Ukraine": a list
        return None
    country = previous.place.result.country
    if any(c.kind == "division" and c.result.country == country for c in mention.candidates):
        return Container(country)
    return None


_LIST_GAPS = (", ", " and ", ", and ", " or ", ", or ")


def _cue_word(mention: Mention, text: str) -> bool:
    """Whether "state" or "province" follows the name, or "the state/province of" comes before it."""
    return bool(_CUE_AFTER.match(text, mention.end)
                or _CUE_BEFORE.search(text, max(0, mention.start - _CUE_WINDOW), mention.start))


def _division_cue(mention: Mention, text: str) -> bool:
    """Whether a word next to the name makes it a division: "New York state", "the state of Washington",
    "Punjab province". A country's name needs the capitalised word of a proper name ("Panamá Province"; but
    "Georgia state television", "the state of Israel")."""
    kinds = {c.kind for c in mention.candidates}
    if "division" not in kinds:
        return False
    after = _CUE_AFTER.match(text, mention.end)
    if "country" in kinds:
        return bool(after) and after.group()[1].isupper()
    return bool(after or _CUE_BEFORE.search(text, max(0, mention.start - _CUE_WINDOW), mention.start))


class Context(NamedTuple):
    """What the whole article says about where it is: the countries and the divisions it names."""

    countries: Counter[str]
    divisions: Counter[str]

    def __contains__(self, country: object) -> bool:
        return country in self.countries


def score(candidate: Candidate, context: Context | Counter[str], hint: Container | None) -> float:
    """How likely ``candidate`` is what the article means; comparable across the candidates of one name."""
    value = KIND_PRIOR[candidate.kind]
    if candidate.kind == "city":
        value += math.log10(max(candidate.population, 1)) / 5 + CAPITAL_BONUS * candidate.capital
        value -= 0 if candidate.exact else ALTERNATE_NAME_PENALTY
    if candidate.kind == "division":  # a tie-breaker only: same-named divisions, no context ("Maryland")
        value += math.log10(max(country_figure(candidate.result.country, "population"), 1)) / 100
    if candidate.kind in ("city", "division") and candidate.result.country in context:
        value += CONTEXT_BONUS
        # A city or county inside a division the article names; not the division itself (it named itself).
        inside = candidate.kind == "city" or candidate.result.precision == LocationPrecision.ADM2
        if isinstance(context, Context) and inside and candidate.division in context.divisions:
            value += DIVISION_CONTEXT_BONUS
    if hint is not None and candidate.result.country == hint.country:
        value += 2 * CONTEXT_BONUS
        value += CONTEXT_BONUS if hint.division and candidate.division == hint.division else 0
        value += CONTEXT_BONUS if hint.town is not None and candidate == hint.town else 0
    return value


def _nearest_to_container(candidates: Sequence[Candidate], hint: Container | None) -> Container | None:
    """For "Santa Maria, Davao del Sur", where towns carry no division code: of the same-named towns of the
    container's country, the one nearest to the division's point is taken for the one in it (``Container.town``)."""
    if hint is None or hint.point is None:
        return hint
    towns = [c for c in candidates if c.kind == "city" and c.result.country == hint.country and not c.division]
    if len(towns) < 2:
        return hint
    nearest = min(towns, key=lambda c: distance(hint.point, (c.result.latitude, c.result.longitude)).km)
    return hint._replace(town=nearest)


def _choose(candidates: Sequence[Candidate], context: Context, hint: Container | None) -> Candidate | None:
    viable = [c for c in _same_entity_once(candidates) if _plausible(c, context, hint)]
    if any(c.kind in ("country", "region", "continent") for c in viable):  # Angola the country, not Angola, Indiana
        viable = [c for c in viable if c.kind != "city" or (hint is not None and c.result.country == hint.country)
                  ] or viable
    viable = [c for c in viable if not _namesake_elsewhere(c, viable, hint)]
    return max(viable, key=lambda c: score(c, context, hint), default=None)


def _namesake_elsewhere(city: Candidate, candidates: Sequence[Candidate], hint: Container | None) -> bool:
    """Whether ``city`` is a town named after a division of its country but lying in another division of it
    ("California", Pennsylvania, against the state of California): neither its population nor the article's
    divisions make it the reading, only a neighbour that names its division ("California, Pennsylvania") or a
    capital's standing ("Washington", the capital, not Washington state)."""
    if city.kind != "city" or city.capital or not city.division:
        return False
    if hint is not None and hint.division == city.division:
        return False
    return any(c.kind == "division" and c.result.precision == LocationPrecision.ADM1 and c.division
               and c.result.country == city.result.country and c.division != city.division for c in candidates)


def _same_entity_once(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Drop a division that is a same-named country seen from another ("Taiwan" as a province of China)."""
    countries = [c.result for c in candidates if c.kind == "country"]
    return [c for c in candidates if c.kind != "division" or not any(
        distance((c.result.latitude, c.result.longitude), (k.latitude, k.longitude)).km < SAME_ENTITY_KM
        for k in countries)]


def _plausible(candidate: Candidate, context: Context, hint: Container | None) -> bool:
    """A small town counts only where the article points to its country; anything else always counts."""
    if candidate.kind != "city":
        return True
    prompted = candidate.result.country in context or (hint is not None and candidate.result.country == hint.country)
    return prompted or candidate.population >= CITY_MIN_POPULATION_UNPROMPTED


def _with_confidence(mention: Mention, choice: Candidate, context: Context, hint: Container | None,
                     among: Sequence[Candidate]) -> Resolved:
    """The chosen candidate with a confidence from its kind, its margin over the runner-up among the candidates it
    was chosen from (all of the mention's unless a cue word narrowed them), and the context."""
    runner_up = max((score(c, context, hint) for c in among if c is not choice), default=None)
    margin = 3.0 if runner_up is None else score(choice, context, hint) - runner_up
    base = {"region": 0.9, "country": 0.9, "continent": 0.8, "division": 0.75, "city": 0.6}[choice.kind]
    if choice.kind in ("city", "division") and (choice.result.country in context or hint):
        base += 0.15
    confidence = base * (0.6 + 0.4 * min(margin, 3.0) / 3.0)
    return Resolved(mention, choice, round(min(confidence, 1.0), 2))
