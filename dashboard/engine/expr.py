"""The filter contract and the map's aggregations as Ibis expressions: written once, compiled by Ibis for DuckDB,
Spark (and Polars, Trino, BigQuery… should they be wanted) over the table of :mod:`dashboard.engine.layout`.

- Dates: the overlap of [start_date, end_date] with [start, end], as two comparisons an engine pushes into its
  Parquet scan (row-group statistics; the ``year`` partition for the end).
- Countries, sources: ``';' || list || ';'`` contains ``';X;'`` (lists are normalised at write time).
- Text: the search rule of :mod:`dashboard.dataset.search` compiled into the very regular expressions the pandas
  path uses (its :func:`~dashboard.dataset.search.word_pattern`), matched on the folded ``search_text`` column
  instead of pyarrow's case-insensitive pass; abbreviations ("US") on the fields as written. RE2 (DuckDB) and
  Java (Spark) read these patterns alike: ``\\pL``, ``\\x{..}``, ``(?:..)`` and classes only.

Imports Ibis: the caller imports this module lazily, when a store is opened.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..dataset.schema import LIST_SEPARATOR
from ..dataset.search import SearchAliases, parse_query, query_groups, word_pattern
from .grid import Bounds, cells_per_side
from .layout import SEARCH_COLUMN, TEXT_COLUMNS
from .spec import FilterSpec

__all__ = ["cell_groups", "filter_expr", "in_view", "text_expr"]


def filter_expr(table: ir.Table, spec: FilterSpec, *, aliases: SearchAliases | None = None) -> ir.BooleanValue:
    """The rows of ``table`` that pass ``spec``: the engine's form of
    :func:`~dashboard.dataset.filters.filter_events`."""
    conditions: list[ir.BooleanValue] = []
    if spec.start is not None:
        conditions.append(table.end_date >= ibis.literal(spec.start, type="date"))
    if spec.end is not None:
        conditions.append(table.start_date <= ibis.literal(spec.end, type="date"))
        if "year" in table.columns:  # implied by the line above; said for partition pruning
            conditions.append(table.year <= spec.end.year)
    if spec.countries:
        conditions.append(table.place_country.isin(spec.countries) | _any_in(table.participants, spec.countries))
    if spec.event_types:
        conditions.append(table.event_type.isin(spec.event_types))
    if spec.sources:
        conditions.append(_any_in(table.sources, spec.sources))
    if spec.text:
        text = text_expr(table, spec.text, aliases=aliases)
        if text is not None:
            conditions.append(text)
    return _all(conditions) if conditions else ibis.literal(True)


def _any_in(cells: ir.StringValue, wanted: tuple[str, ...]) -> ir.BooleanValue:
    """Whether a list cell holds any of ``wanted``: each item is delimited by the separator on both sides."""
    framed = ibis.literal(LIST_SEPARATOR) + cells + ibis.literal(LIST_SEPARATOR)
    return _any([framed.contains(f"{LIST_SEPARATOR}{item}{LIST_SEPARATOR}") for item in wanted])


def text_expr(table: ir.Table, text: str, *, aliases: SearchAliases | None = None) -> ir.BooleanValue | None:
    """The text search as a condition, or ``None`` when the text restricts nothing (no letter or digit).

    As :func:`~dashboard.dataset.search.text_mask`: every group of query words must match; a group matches when
    each of its words begins a word of some field, or when one of the place names it stands for is there whole.
    """
    chunks = parse_query(text)
    if not chunks:
        return None
    folded = table[SEARCH_COLUMN]
    groups = []
    for group in query_groups(chunks, aliases):
        words = _all([folded.re_search(word_pattern([chunk.words])) for chunk in group.chunks])
        names = [n.words for n in group.names if not n.exact]
        exact = [n.words for n in group.names if n.exact]
        if names:
            words |= folded.re_search(word_pattern(names, whole=True))
        if exact:
            pattern = word_pattern(exact, whole=True)
            words |= _any([table[column].re_search(pattern) for column in TEXT_COLUMNS])
        groups.append(words)
    return _all(groups)


def in_view(table: ir.Table, bounds: Bounds) -> ir.BooleanValue:
    """The rows whose place is inside ``bounds`` (edges included), as :meth:`Bounds.contains`."""
    latitude = (table.latitude >= bounds.south) & (table.latitude <= bounds.north)
    ranges = [(table.longitude >= west) & (table.longitude <= east) for west, east in bounds.longitude_ranges()]
    return latitude & _any(ranges)


def cell_groups(table: ir.Table, zoom: int) -> ir.Table:
    """Per screen cell and event type: the count and the sums of ``mx``/``my`` (for the centroid). At most the
    cells in view times the types: the payload follows the screen, not the data."""
    side = float(cells_per_side(zoom))
    cx = (table.mx * side).floor().cast("int64").name("cx")
    cy = (table.my * side).floor().cast("int64").name("cy")
    return table.group_by([cx, cy, table.event_type]).aggregate(n=table.count(), sx=table.mx.sum(), sy=table.my.sum())


def _all(conditions: list[ir.BooleanValue]) -> ir.BooleanValue:
    result = conditions[0]
    for condition in conditions[1:]:
        result &= condition
    return result


def _any(conditions: list[ir.BooleanValue]) -> ir.BooleanValue:
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result
