"""Dates in news text: find them and resolve them against the article's date or reference year.

Absolute dates ("August 30 to September 5", "24 February", "in 2018") need only a year, taken from the sentence,
the event's name ("Vostok 2022") or the article. Relative ones ("on Monday", "last week", "earlier this year",
"two days ago") need the article's date; without it they are resolved only as far as the reference year allows
("earlier this year" is then that year) or not at all ("on Monday"), never guessed. Each date keeps the precision
the text supports: a weekday is a day, "last week" a week, "in February" a month, "earlier this year" a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dataset.schema import DatePrecision

__all__ = ["MONTHS", "NUMBER_WORDS", "DateSpan", "find_dates", "infer_year", "overlaps"]

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20}

_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (19[5-9]\d|20\d\d))?"
_RANGE = r"\s*(?:to|until|through|till|and|[–-])\s*"
_COUNT = r"(\d+|an?|" + "|".join(NUMBER_WORDS) + r")"
# Most specific first; the first pattern that matches gives the sentence's date.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in [
    ("mdmd", rf"\b{_MONTH} {_DAY}{_RANGE}{_MONTH} {_DAY}{_YEAR}\b"),
    ("dmdm", rf"\b{_DAY} {_MONTH}{_RANGE}{_DAY} {_MONTH}{_YEAR}\b"),
    ("mdd", rf"\b{_MONTH} {_DAY}{_RANGE}{_DAY}{_YEAR}\b"),
    ("ddm", rf"\b{_DAY}{_RANGE}{_DAY} {_MONTH}{_YEAR}\b"),
    ("md", rf"\b{_MONTH} {_DAY}{_YEAR}\b(?!\s*(?:percent|%))"),
    ("dm", rf"\b{_DAY} {_MONTH}{_YEAR}\b"),
    ("today", r"\b(today|yesterday|tomorrow|tonight)\b"),
    ("weekday", r"\b(?:on|last|this|next|since|by|until) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("ago", rf"\b{_COUNT} (day|week|month|year)s? ago\b"),
    ("unit", r"\b(earlier|later|last|this|next) (week|month)\b"),
    ("month", rf"\b(?:in|since|during|early|mid|late|by|until|of|last|next|this) {_MONTH}{_YEAR}\b"),
    ("relative", r"\b(earlier|later) this year|\b(this|last|next) year\b"),
    ("year", r"\b(19[5-9]\d|20\d\d)\b"),
]]
# "due to be held" is the future; "due to bird flu" a cause.
_DUE_TO = r"due to\s+(?:be|begin|start|take|hold|meet|open|arrive|visit|sign|vote|return|launch|resume|end|go)\b"
_FUTURE = re.compile(r"\b(?:will|shall|to be held|scheduled|planned|" + _DUE_TO + r"|set to|plans? to|next)\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class DateSpan:
    """A date the text gives: first and last day, how precisely it is known, and the words it was read from."""

    start: date
    end: date
    precision: DatePrecision
    text: str
    relative: bool = False  # resolved against the article's date or reference year ("last week", "on Monday")


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    """Whether two closed date ranges share at least one day."""
    return a[0] <= b[1] and b[0] <= a[1]


def infer_year(text: str) -> tuple[int, str] | None:
    """The article's reference year and why: the latest year it names, or a year plus an elapsed span
    ("in 2018 … in just four years" → 2022). None when the text names no year."""
    years = [(int(m.group()), f"the article names {m.group()}") for m in re.finditer(r"\b(?:19[5-9]\d|20\d\d)\b",
                                                                                      text)]
    pattern = r"\b(19[5-9]\d|20\d\d)\b[^\n]{0,160}?\b(\d+|" + "|".join(NUMBER_WORDS) + r") years\b"
    for m in re.finditer(pattern, text, re.IGNORECASE):
        count = NUMBER_WORDS.get(m.group(2).lower()) or int(m.group(2))
        years.append((int(m.group(1)) + count, f"{m.group(1)} plus '{m.group(2)} years'"))
    return max(years) if years else None


def find_dates(sentence: str, year: int, *, article: date | None = None) -> DateSpan | None:
    """The first date the sentence gives, as a span with its precision.

    ``year`` dates a day or month without a year (the article's reference year or the event's name's);
    ``article`` is the article's date, which relative expressions need. A past reading is taken unless the
    sentence speaks of the future ("will", "scheduled", "next").
    """
    future = bool(_FUTURE.search(sentence))
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            try:
                span = _resolve(kind, match, year, article, future)
            except ValueError:  # "February 30"
                span = None
            if span is not None:
                return span
    return None


def _resolve(kind: str, m: re.Match[str], year: int, article: date | None, future: bool) -> DateSpan | None:
    if kind in ("mdmd", "dmdm", "mdd", "ddm", "md", "dm"):
        return _absolute(kind, m, year)
    if kind == "month":
        return _month(m, year, article, future)
    if kind == "year":
        return _whole_year(int(m.group()), m.group())
    if kind == "relative":
        return _relative_year(m, year, article)
    if article is None:
        return None  # "on Monday", "last week", "two days ago": unknowable without the article's date
    return {"today": _today, "weekday": _weekday, "ago": _ago, "unit": _unit}[kind](m, article, future)


def _absolute(kind: str, m: re.Match[str], year: int) -> DateSpan | None:
    g = m.groups()
    named = int(g[-1]) if g[-1] else year
    if kind == "mdmd":
        start, end = _day(named, g[0], g[1]), _day(named, g[2], g[3])
    elif kind == "dmdm":
        start, end = _day(named, g[1], g[0]), _day(named, g[3], g[2])
    elif kind == "mdd":
        start, end = _day(named, g[0], g[1]), _day(named, g[0], g[2])
    elif kind == "ddm":
        start, end = _day(named, g[2], g[0]), _day(named, g[2], g[1])
    else:
        start = end = _day(named, g[0], g[1]) if kind == "md" else _day(named, g[1], g[0])
    if end < start:  # "December 28 to January 3": the range crosses a new year
        end = end.replace(year=end.year + 1)
    return DateSpan(start, end, DatePrecision.DAY, m.group())


def _day(year: int, month: str, day: str) -> date:
    return date(year, MONTHS.index(month.lower()) + 1, int(day))


def _month(m: re.Match[str], year: int, article: date | None, future: bool) -> DateSpan:
    month = MONTHS.index(m.group(1).lower()) + 1
    named = int(m.group(2)) if m.group(2) else year
    lead = m.group().split()[0].lower()
    if not m.group(2) and article is not None:
        named = article.year
        # "in November" in a March article is last November, unless the article speaks of what is to come
        if (month > article.month and not future) or lead == "last":
            named -= 1
        elif lead == "next" and month <= article.month:
            named += 1
    return _month_span(named, month, m.group())


def _month_span(year: int, month: int, text: str, *, relative: bool = False) -> DateSpan:
    end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return DateSpan(date(year, month, 1), end, DatePrecision.MONTH, text, relative)


def _whole_year(year: int, text: str, *, relative: bool = False) -> DateSpan:
    return DateSpan(date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR, text, relative)


def _relative_year(m: re.Match[str], year: int, article: date | None) -> DateSpan:
    if article is None:
        offset = {"last": -1, "next": 1}.get((m.group(2) or "").lower(), 0)
        return _whole_year(year + offset, m.group(), relative=True)
    whole = _whole_year(article.year + {"last": -1, "next": 1}.get((m.group(2) or "").lower(), 0), m.group(),
                        relative=True)
    if (m.group(1) or "").lower() == "earlier":  # from New Year to the article: still known only to the year
        return DateSpan(whole.start, article, DatePrecision.YEAR, m.group(), True)
    if (m.group(1) or "").lower() == "later":
        return DateSpan(article, whole.end, DatePrecision.YEAR, m.group(), True)
    return whole


def _today(m: re.Match[str], article: date, future: bool) -> DateSpan:
    offset = {"yesterday": -1, "tomorrow": 1}.get(m.group(1).lower(), 0)
    day = article + timedelta(days=offset)
    return DateSpan(day, day, DatePrecision.DAY, m.group(), True)


def _weekday(m: re.Match[str], article: date, future: bool) -> DateSpan:
    """The named weekday nearest the article on the side the sentence speaks of: the last one on or before the
    article for the past ("on Monday", "last Monday"), the next one after it for the future ("next Monday")."""
    wanted = WEEKDAYS.index(m.group(1).lower())
    lead = m.group().split()[0].lower()
    if lead == "next" or (future and lead != "last"):
        day = article + timedelta(days=(wanted - article.weekday() - 1) % 7 + 1)
    else:
        day = article - timedelta(days=(article.weekday() - wanted) % 7 or (7 if lead == "last" else 0))
    return DateSpan(day, day, DatePrecision.DAY, m.group(), True)


def _ago(m: re.Match[str], article: date, future: bool) -> DateSpan:
    word = m.group(1).lower()
    count = 1 if word in ("a", "an") else NUMBER_WORDS.get(word) or int(word)
    unit = m.group(2).lower()
    if unit == "day":
        day = article - timedelta(days=count)
        return DateSpan(day, day, DatePrecision.DAY, m.group(), True)
    if unit == "week":
        return _week(article - timedelta(weeks=count), m.group())
    if unit == "month":
        index = article.year * 12 + article.month - 1 - count
        return _month_span(index // 12, index % 12 + 1, m.group(), relative=True)
    return _whole_year(article.year - count, m.group(), relative=True)


def _unit(m: re.Match[str], article: date, future: bool) -> DateSpan:
    """"last week" is the calendar week before the article's, "earlier this month" the month up to the article."""
    lead, unit = m.group(1).lower(), m.group(2).lower()
    shift = {"last": -1, "next": 1}.get(lead, 0)
    if unit == "week":
        span = _week(article + timedelta(weeks=shift), m.group())
    else:
        index = article.year * 12 + article.month - 1 + shift
        span = _month_span(index // 12, index % 12 + 1, m.group(), relative=True)
    if lead == "earlier":
        return DateSpan(span.start, article, span.precision, m.group(), True)
    if lead == "later":
        return DateSpan(article, span.end, span.precision, m.group(), True)
    return span


def _week(day: date, text: str) -> DateSpan:
    monday = day - timedelta(days=day.weekday())
    return DateSpan(monday, monday + timedelta(days=6), DatePrecision.WEEK, text, True)
