"""Score a drafted dataset against a gold one, event by event (``python -m dashboard evaluate-events``).

A drafted event matches a gold event of the same article when:

- its place lies within the gold place's radius, by the gold place's UCDP precision (:data:`RADIUS_KM`; a country
  by the radius of the circle with its area, never less than 161 km, the usual "within 100 miles");
- its dates overlap the gold dates, where the gold's ``date_basis`` is ``article`` (background dates come from
  outside the article: a draft cannot be asked to know them);

and participants are scored by F1 over the matched pairs. Matching is one-to-one, best pairs first (highest
participant F1, then nearest). Recall is matched/gold, precision matched/drafted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from geopy.distance import distance

from ..dataset.loading import read_table
from ..dataset.schema import LIST_SEPARATOR
from ..geography.geometry import country_radius_km, load_world
from ..paths import WORLD_PATH

__all__ = ["RADIUS_KM", "EventScores", "format_scores", "score_events", "score_tables"]

MIN_RADIUS_KM = 161.0
# By UCDP precision: 1-3 a point or a second-order division; 4 a first-order division (a large province is
# ~300 km across); 5 a wider region (the Russian Far East, East Africa); 7 a sea or ocean, whose nominal centre is
# far from its coasts. 6 (a country) is the country's own radius, below.
RADIUS_KM = {1: MIN_RADIUS_KM, 2: MIN_RADIUS_KM, 3: MIN_RADIUS_KM, 4: 400.0, 5: 1500.0, 6: 1000.0, 7: 2500.0}


@dataclass
class EventScores:
    """The figures and the unmatched events, each with a reason."""

    gold: int
    drafted: int
    matched: list[tuple[str, str, float]] = field(default_factory=list)  # gold id, drafted id, participant F1
    unmatched_gold: list[tuple[str, str]] = field(default_factory=list)
    unmatched_drafted: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.matched) / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return len(self.matched) / self.drafted if self.drafted else 0.0

    @property
    def participant_f1(self) -> float:
        return sum(f for _, _, f in self.matched) / len(self.matched) if self.matched else 0.0


@functools.cache
def _country_radii() -> dict[str, float]:
    return country_radius_km(load_world(WORLD_PATH))


def radius_km(precision: int, country: str) -> float:
    """How far a drafted place may lie from a gold place of this precision (and country, for precision 6)."""
    if precision == 6:
        return max(MIN_RADIUS_KM, _country_radii().get(country, RADIUS_KM[6]))
    return max(MIN_RADIUS_KM, RADIUS_KM.get(precision, MIN_RADIUS_KM))


def participant_f1(gold: str, drafted: str) -> float:
    """F1 of two participant lists; 1.0 when both are empty."""
    a, b = _codes(gold), _codes(drafted)
    if not a and not b:
        return 1.0
    common = len(a & b)
    return 0.0 if not common else 2 * common / (len(a) + len(b))


def _codes(cell: str) -> set[str]:
    return {c.strip() for c in str(cell or "").split(LIST_SEPARATOR) if c.strip()}


def _joined(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    return events.merge(places[["place", "latitude", "longitude", "location_precision", "country"]], on="place",
                        how="left")


def score_tables(gold: pd.DataFrame, gold_places: pd.DataFrame, drafted: pd.DataFrame,
                 drafted_places: pd.DataFrame) -> EventScores:
    """Score drafted events against gold events (both in the dataset's format, with their places tables)."""
    g, d = _joined(gold, gold_places), _joined(drafted, drafted_places)
    scores = EventScores(len(g), len(d))
    pairs: list[tuple[float, float, int, int]] = []
    reasons: dict[int, str] = {}
    for i, grow in g.iterrows():
        for j, drow in d.iterrows():
            why = _mismatch(grow, drow)
            if why is None:
                pairs.append((participant_f1(grow["participants"], drow["participants"]), _km(grow, drow), i, j))
            else:
                reasons.setdefault(i, why)
    used_g, used_d = set(), set()
    for f1, _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if i not in used_g and j not in used_d:
            used_g.add(i)
            used_d.add(j)
            scores.matched.append((g.loc[i, "event_id"], d.loc[j, "event_id"], f1))
    scores.unmatched_gold = [(g.loc[i, "event_id"], _gold_reason(g.loc[i], d, used_d))
                             for i in g.index if i not in used_g]
    scores.unmatched_drafted = [(d.loc[j, "event_id"], _drafted_reason(d.loc[j], g, used_g))
                                for j in d.index if j not in used_d]
    return scores


def _km(a: pd.Series, b: pd.Series) -> float:
    return distance((float(a["latitude"]), float(a["longitude"])), (float(b["latitude"]), float(b["longitude"]))).km


def _mismatch(gold: pd.Series, drafted: pd.Series) -> str | None:
    if str(gold.get("seed", "")) and str(drafted.get("seed", "")) and gold["seed"] != drafted["seed"]:
        return "another article"
    limit = radius_km(int(float(gold["location_precision"])), str(gold["country"] or ""))
    km = _km(gold, drafted)
    if km > limit:
        return f"{km:.0f} km from {gold['place']} (radius {limit:.0f} km)"
    if gold["date_basis"] == "article" and not _overlap(gold, drafted):
        return f"dates {drafted['start_date']}..{drafted['end_date']} miss {gold['start_date']}..{gold['end_date']}"
    return None


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    start_a, end_a = dt.date.fromisoformat(a["start_date"]), dt.date.fromisoformat(a["end_date"])
    start_b, end_b = dt.date.fromisoformat(b["start_date"]), dt.date.fromisoformat(b["end_date"])
    return start_a <= end_b and start_b <= end_a


def _gold_reason(gold: pd.Series, drafted: pd.DataFrame, used: set) -> str:
    """Why no drafted event matched: the nearest drafted event's mismatch, or its being taken."""
    if drafted.empty:
        return "nothing drafted"
    nearest = min(drafted.index, key=lambda j: _closeness(gold, drafted.loc[j]))
    why = _mismatch(gold, drafted.loc[nearest])
    if why is None:
        return f"nearest draft {drafted.loc[nearest, 'event_id']} matched another gold event"
    return f"nearest draft {drafted.loc[nearest, 'event_id']}: {why}"


def _closeness(gold: pd.Series, drafted: pd.Series) -> tuple[bool, float]:
    """The counterpart a reason names: of the same event type if there is one, then the nearest."""
    return gold.get("event_type") != drafted.get("event_type"), _km(gold, drafted)


def _drafted_reason(row: pd.Series, gold: pd.DataFrame, used: set) -> str:
    if gold.empty:
        return "no gold event"
    nearest = min(gold.index, key=lambda i: _closeness(gold.loc[i], row))
    why = _mismatch(gold.loc[nearest], row)
    return f"nearest gold {gold.loc[nearest, 'event_id']}: {why or 'matched to another draft'}"


def score_events(gold_events: Path, articles: Sequence[Path], *, date: dt.date | None = None) -> EventScores:
    """Draft each article and score its draft against the gold events of that article (their ``seed``), article by
    article (two drafts may name different places alike); the gold places are the ``places.csv`` beside the gold
    events file."""
    from .extract import ExtractionError, extract_draft
    from .toponyms import ToponymIndex

    gold = read_table(Path(gold_events))
    gold_places = read_table(Path(gold_events).parent / "places.csv")
    index = ToponymIndex()
    total = EventScores(0, 0)
    for article in articles:
        try:
            text = article.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExtractionError(f"cannot read {article}: {getattr(exc, 'strerror', None) or exc}") from None
        draft = extract_draft(text, seed=article.name, date=date, index=index)
        mine = gold[gold["seed"] == article.name].reset_index(drop=True)
        scores = score_tables(mine, gold_places, draft.events, draft.places)
        total.gold += scores.gold
        total.drafted += scores.drafted
        total.matched += scores.matched
        total.unmatched_gold += scores.unmatched_gold
        total.unmatched_drafted += scores.unmatched_drafted
    return total


def format_scores(scores: EventScores) -> str:
    """The figures, then the unmatched events with their reasons."""
    lines = [f"matched/gold (recall):     {len(scores.matched)}/{scores.gold} = {scores.recall:.2f}",
             f"matched/drafted (precision): {len(scores.matched)}/{scores.drafted} = {scores.precision:.2f}",
             f"participant F1 (mean over matched): {scores.participant_f1:.2f}"]
    lines += [f"matched: {g} ← {d} (participants F1 {f:.2f})" for g, d, f in scores.matched]
    lines += [f"unmatched gold: {g}: {why}" for g, why in scores.unmatched_gold]
    lines += [f"unmatched draft: {d}: {why}" for d, why in scores.unmatched_drafted]
    return "\n".join(lines)
