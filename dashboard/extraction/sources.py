"""Outlets: the sources a sentence cites ("according to Reuters", "TASS reports"), and whether a speaker is one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dataset.schema import LIST_SEPARATOR

__all__ = ["KNOWN_OUTLETS", "find_sources", "is_outlet"]

# Outlets a sentence may name as its source; "according to X" adds others.
KNOWN_OUTLETS = ("Al Jazeera", "AP", "Associated Press", "AFP", "BBC", "Bloomberg", "CNN", "Fox News", "Interfax",
                 "NBC News", "NHK", "RIA Novosti", "Reuters", "RT", "Sputnik", "TASS", "The Guardian",
                 "The New York Times", "New York Times", "The Washington Post", "Washington Post", "Xinhua",
                 "Yonhap", "Kyodo", "Global Times", "South China Morning Post", "Financial Times",
                 "The Wall Street Journal", "Wall Street Journal", "Le Monde", "Der Spiegel", "Deutsche Welle")
# Words that make a speaker the press rather than an official: "news sources", "state news agency", "media".
_PRESS_WORDS = re.compile(r"\b(?:news|agency|newspaper|media|outlets?|reports?|reporters?|journalists?|daily|"
                          r"broadcaster|broadcasting|radio|television|tv|press)\b", re.IGNORECASE)
_ACCORDING_TO = re.compile(r"\baccording to (?:the )?((?:[A-Z][\w&.’'-]*)(?: (?:[A-Z][\w&.’'-]*|of|de))*)")
_SPOKEN_TO = re.compile(r"\b(?:said to|told|speaking to|in an interview with) "
                        r"((?:[A-Z][\w&.’'-]*)(?: [A-Z][\w&.’'-]*)*)")


def is_outlet(speaker: str, verb: str = "") -> bool:
    """Whether a speaker is the press: a known outlet, a phrase such as "state news agency", or whoever "writes"."""
    if verb == "write":
        return True
    return any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", speaker) for o in KNOWN_OUTLETS) or bool(
        _PRESS_WORDS.search(speaker) and "spokes" not in speaker.lower() and "ministry" not in speaker.lower())


def find_sources(sentence: str, places: Sequence[str] = ()) -> list[str]:
    """The outlets the sentence names: known outlets, and whoever follows "according to" or is spoken to
    (not a place)."""
    found = [(m.start(), outlet) for outlet in KNOWN_OUTLETS
             for m in re.finditer(rf"(?<![\w-]){re.escape(outlet)}(?![\w-])", sentence)]
    for pattern in (_ACCORDING_TO, _SPOKEN_TO):
        found += [(m.start(1), m.group(1).rstrip(".")) for m in pattern.finditer(sentence)
                  if (m.group(1).rstrip(".") not in places and is_outlet(m.group(1), ""))
                  or (pattern is _ACCORDING_TO and m.group(1).rstrip(".") not in places)]
    names: list[str] = []
    for _, name in sorted(found):
        if not any(name in other or other in name for other in names):
            names.append(name.replace(LIST_SEPARATOR, ","))
    return names
