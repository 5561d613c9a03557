"""Sentences of an article, by character offsets; a headline line is a sentence too."""

from __future__ import annotations

import re

__all__ = ["is_headline", "split_sentences"]

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])([\"”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Gov|Rep|No|vs|etc|Inc|Ltd|Jr|Sr)|\b(?:[A-Z]\.)+)"
                           r"\.?[\"”’)]?\s*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) with surrounding whitespace trimmed; a headline line is a sentence too."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + len(match.group(1) or "")
        if "\n" not in match.group() and _ABBREVIATION.search(text[start:end]):
            continue  # "Dr. Moll", "the U.S. Army"
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def is_headline(text: str, span: tuple[int, int]) -> bool:
    """Whether the span is the article's first line without a final full stop: a headline summarises the body,
    whose sentences draft its events."""
    start, end = span
    return not text[:start].strip() and "\n" in text[end:end + 2] and not re.search(r"[.!?][\"”’)]?$",
                                                                                     text[start:end])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
