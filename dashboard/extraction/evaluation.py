"""Measuring place extraction on gold toponyms in the GeoVirus format.

A gold file holds ``<article>`` elements, each with its ``<text>`` and ``<locations>``: every place mention's
``<name>``, 1-based ``<start>`` and ``<end>`` (the mention is ``text[start-1:end-1]``) and gold ``<lat>``/``<lon>``.

Scores, summed over articles:

- a predicted mention *matches* a gold one when their character spans overlap (one to one, the largest overlap
  first); exact-span matches are counted too;
- precision = matched / predicted, recall = matched / gold;
- accuracy = the share of matched mentions whose coordinates are within 161 km (100 miles, the field's usual
  threshold) of gold, by geodesic distance.

Countries are scored apart, because where a country is put is a convention, not a finding: the map puts a country
at a point inside its outline, while gold files (GeoVirus among them) use a conventional centre, hundreds of
kilometres away for large countries. So the matched mentions are split by what the extractor resolved them to:

- *country mentions* (resolved at country precision, UCDP 6): the *right-country rate* is the share whose gold
  point lies in the predicted country, i.e. inside its fine outline (``data/world-50m.geojson``) or within 161 km
  of either of its points (the map's point and the conventional centre: see
  :mod:`dashboard.geography.country_points`). A country chosen for a same-named state ("Georgia") is wrong;
  the centre chosen by convention is not;
- *non-country mentions* (everything else: cities, divisions, regions, seas): *place accuracy* is the share within
  161 km of gold, as above.

A predicted mention with no ``precision`` attribute counts as a non-country one.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from geopy.distance import distance

from ..dataset.schema import LocationPrecision
from ..errors import DashboardError
from ..geography.country_points import in_country
from ..paths import ROOT

__all__ = [
    "ACCURACY_KM",
    "GOLD_ENV",
    "GoldArticle",
    "GoldFileError",
    "GoldMention",
    "Scores",
    "default_gold_path",
    "evaluate",
    "format_scores",
    "match_spans",
    "read_geovirus",
    "score_article",
]

ACCURACY_KM = 161.0
GOLD_ENV = "NEWS_EVENT_MAP_GOLD"  # overrides where the dev gold file is looked for
DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "geovirus-dev.xml"


class GoldFileError(DashboardError, ValueError):
    """Raised when a gold file is missing or is not GeoVirus-format XML."""


class Predicted(Protocol):
    """What the scorer needs of a predicted mention: 0-based half-open span and coordinates. A mention that also
    has ``precision`` (UCDP) and ``country`` (ISO3), as the extractor's have, is scored as a country mention when
    its precision is the country's."""

    start: int
    end: int
    latitude: float
    longitude: float


@dataclass(frozen=True)
class GoldMention:
    """A gold place mention: 0-based half-open span into its article's text, the name and gold coordinates."""

    start: int
    end: int
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class GoldArticle:
    text: str
    mentions: tuple[GoldMention, ...]
    source: str = ""


@dataclass
class Scores:
    """Counts over one or more articles, the figures derived from them, and the errors for review."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    exact: int = 0
    accurate: int = 0
    countries: int = 0  # matched mentions resolved to a country
    right_countries: int = 0  # ... whose gold point lies in that country
    places: int = 0  # matched mentions resolved to anything else
    accurate_places: int = 0  # ... within ACCURACY_KM of gold
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, mention, detail)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def accuracy(self) -> float:
        """Share of matched mentions resolved within :data:`ACCURACY_KM` of gold."""
        return self.accurate / self.matched if self.matched else 0.0

    @property
    def right_country_rate(self) -> float:
        """Share of matched country mentions whose gold point lies in the predicted country."""
        return self.right_countries / self.countries if self.countries else 0.0

    @property
    def place_accuracy(self) -> float:
        """Share of matched non-country mentions resolved within :data:`ACCURACY_KM` of gold."""
        return self.accurate_places / self.places if self.places else 0.0

    def __add__(self, other: Scores) -> Scores:
        counts = {name: getattr(self, name) + getattr(other, name) for name in _COUNTS}
        return Scores(**counts, errors=self.errors + other.errors)


_COUNTS = ("gold", "predicted", "matched", "exact", "accurate", "countries", "right_countries", "places",
           "accurate_places")


def default_gold_path() -> Path:
    """The dev gold file: ``$NEWS_EVENT_MAP_GOLD`` if set, else ``../shared/eval/geovirus-dev.xml``."""
    return Path(os.environ.get(GOLD_ENV) or DEFAULT_GOLD)


def read_geovirus(path: str | Path) -> list[GoldArticle]:
    """The articles of a GeoVirus-format gold file, offsets made 0-based."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise GoldFileError(f"gold file not found: {path}") from None
    except (ET.ParseError, OSError) as exc:
        raise GoldFileError(f"{path}: not readable XML ({exc})") from None
    try:
        return [_article(element) for element in root.iter("article")]
    except (TypeError, ValueError) as exc:
        raise GoldFileError(f"{path}: not in the GeoVirus format ({exc})") from None


def _article(element: ET.Element) -> GoldArticle:
    mentions = tuple(
        GoldMention(int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1, loc.findtext("name") or "",
                    float(loc.findtext("lat")), float(loc.findtext("lon")))
        for loc in element.iter("location"))
    return GoldArticle(element.findtext("text") or "", mentions, element.findtext("source") or "")


def match_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pairs (gold index, predicted index) of overlapping spans, one to one, largest overlap first."""
    pairs = sorted(((min(g[1], p[1]) - max(g[0], p[0]), gi, pi) for gi, g in enumerate(gold)
                    for pi, p in enumerate(predicted) if min(g[1], p[1]) > max(g[0], p[0])), reverse=True)
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    matches = []
    for _, gi, pi in pairs:
        if gi not in used_gold and pi not in used_predicted:
            used_gold.add(gi)
            used_predicted.add(pi)
            matches.append((gi, pi))
    return sorted(matches)


def score_article(article: GoldArticle, predicted: Sequence[Predicted]) -> Scores:
    """Counts for one article; ``errors`` lists the missed, spurious and distant mentions."""
    gold = article.mentions
    matches = match_spans([(g.start, g.end) for g in gold], [(p.start, p.end) for p in predicted])
    scores = Scores(gold=len(gold), predicted=len(predicted), matched=len(matches))
    for gi, pi in matches:
        g, p = gold[gi], predicted[pi]
        scores.exact += (g.start, g.end) == (p.start, p.end)
        km = distance((g.latitude, g.longitude), (p.latitude, p.longitude)).km
        scores.accurate += km <= ACCURACY_KM
        if _is_country(p):
            scores.countries += 1
            right = in_country(p.country, g.latitude, g.longitude)
            scores.right_countries += right
            if not right:
                scores.errors.append(("wrong country", g.name, f"gold ({g.latitude:.2f}, {g.longitude:.2f}) is not "
                                                               f"in {p.country}"))
        else:
            scores.places += 1
            scores.accurate_places += km <= ACCURACY_KM
            if km > ACCURACY_KM:
                scores.errors.append(("distant", g.name, f"{km:.0f} km off ({p.latitude:.2f}, {p.longitude:.2f})"))
    matched_gold, matched_predicted = {gi for gi, _ in matches}, {pi for _, pi in matches}
    scores.errors += [("missed", g.name, _context(article.text, g.start, g.end))
                      for gi, g in enumerate(gold) if gi not in matched_gold]
    scores.errors += [("spurious", article.text[p.start:p.end], _context(article.text, p.start, p.end))
                      for pi, p in enumerate(predicted) if pi not in matched_predicted]
    return scores


def _is_country(predicted: Predicted) -> bool:
    return getattr(predicted, "precision", None) == LocationPrecision.COUNTRY and bool(getattr(predicted, "country",
                                                                                               ""))


def evaluate(articles: Iterable[GoldArticle], extractor: Callable[[str], Sequence[Predicted]]) -> Scores:
    """The extractor's scores summed over ``articles``; ``extractor`` maps a text to its predicted mentions."""
    total = Scores()
    for article in articles:
        total = total + score_article(article, extractor(article.text))
    return total


def format_scores(scores: Scores) -> str:
    """The figures as a short human-readable report."""
    return "\n".join([
        f"gold mentions {scores.gold}, predicted {scores.predicted}, matched {scores.matched} "
        f"(overlapping spans; {scores.exact} exact)",
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}",
        f"accuracy within {ACCURACY_KM:g} km {scores.accuracy:.3f} ({scores.accurate} of {scores.matched} matched)",
        f"  non-country mentions: accuracy within {ACCURACY_KM:g} km {scores.place_accuracy:.3f} "
        f"({scores.accurate_places} of {scores.places})",
        f"  country mentions: right country {scores.right_country_rate:.3f} "
        f"({scores.right_countries} of {scores.countries})",
    ])


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return " ".join(text[max(0, start - width):end + width].split())
