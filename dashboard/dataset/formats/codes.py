"""Country code tables the published datasets use, to ISO 3166-1 alpha-3 (the dataset's participants and places).

- **Gleditsch–Ward state numbers** (UCDP GED's ``gwnoa``, ``gwnob``, ``country_id``): Gleditsch, K. S. & Ward, M. D.
  (1999), "A revised list of independent states since the Congress of Vienna", *International Interactions* 25(4),
  and its maintained list (``iisystem.dat`` and ``microstatessystem.dat``). Only the states that existed since 1989,
  the first year UCDP GED covers. Where G–W differ from the Correlates of War numbers (Germany 260, Serbia 340,
  Yugoslavia 345, Kosovo 347, Yemen 678, Vietnam 816), G–W's are used, as UCDP does; the two maintained Python
  tables we compared (country_converter, countrycode) put Vietnam at 817 and Yemen at 680, which are the Republic
  of Vietnam (until 1975) and South Yemen (until 1990) in G–W. States without an ISO code today (the German
  Democratic Republic 265, Czechoslovakia 315, South Yemen 680, Abkhazia 396, South Ossetia 397) map to nothing:
  such a side is named, not coded.
- **FIPS 10-4 country codes** (GDELT's ``ActionGeo_CountryCode``, ``Actor1Geo_CountryCode``…): the US
  government's standard (public domain), as in GDELT's ``FIPS.country.txt`` lookup, cross-checked with the
  countrycode package's table; the Gaza Strip (GZ) and West Bank (WE) are both Palestine (PSE), Kosovo (KV) is
  ``XKX`` as everywhere in the dataset.
- **CAMEO country codes** (GDELT's ``Actor1CountryCode``, ``Actor2CountryCode``): ISO 3166-1 alpha-3 as it was
  when CAMEO was written (Schrodt, *CAMEO Conflict and Mediation Event Observations Codebook* 1.1b3, 2012, ch. 9),
  so the few codes ISO has since replaced are mapped; CAMEO's regional codes (``AFR``, ``EUR``, ``MEA``…) are no
  country and map to nothing.
"""

from __future__ import annotations

__all__ = ["CAMEO_RENAMED", "FIPS_TO_ISO3", "GW_TO_ISO3"]

GW_TO_ISO3: dict[int, str] = {
    # Americas
    2: "USA", 20: "CAN", 31: "BHS", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO", 53: "BRB", 54: "DMA",
    55: "GRD", 56: "LCA", 57: "VCT", 58: "ATG", 60: "KNA", 70: "MEX", 80: "BLZ", 90: "GTM", 91: "HND", 92: "SLV",
    93: "NIC", 94: "CRI", 95: "PAN", 100: "COL", 101: "VEN", 110: "GUY", 115: "SUR", 130: "ECU", 135: "PER",
    140: "BRA", 145: "BOL", 150: "PRY", 155: "CHL", 160: "ARG", 165: "URY",
    # Europe
    200: "GBR", 205: "IRL", 210: "NLD", 211: "BEL", 212: "LUX", 220: "FRA", 221: "MCO", 223: "LIE", 225: "CHE",
    230: "ESP", 232: "AND", 235: "PRT", 260: "DEU", 290: "POL", 305: "AUT", 310: "HUN", 316: "CZE", 317: "SVK",
    325: "ITA", 331: "SMR", 338: "MLT", 339: "ALB", 340: "SRB", 341: "MNE", 343: "MKD", 344: "HRV",
    345: "SRB",  # Yugoslavia, then Serbia and Montenegro (to 2006): UCDP's "Government of Serbia (Yugoslavia)"
    346: "BIH", 347: "XKX", 349: "SVN", 350: "GRC", 352: "CYP", 355: "BGR", 359: "MDA", 360: "ROU", 365: "RUS",
    366: "EST", 367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR", 371: "ARM", 372: "GEO", 373: "AZE", 375: "FIN",
    380: "SWE", 385: "NOR", 390: "DNK", 395: "ISL",
    # Africa
    402: "CPV", 403: "STP", 404: "GNB", 411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN", 434: "BEN", 435: "MRT",
    436: "NER", 437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR", 451: "SLE", 452: "GHA", 461: "TGO", 471: "CMR",
    475: "NGA", 481: "GAB", 482: "CAF", 483: "TCD", 484: "COG", 490: "COD", 500: "UGA", 501: "KEN", 510: "TZA",
    516: "BDI", 517: "RWA", 520: "SOM", 522: "DJI", 530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ", 551: "ZMB",
    552: "ZWE", 553: "MWI", 560: "ZAF", 565: "NAM", 570: "LSO", 571: "BWA", 572: "SWZ", 580: "MDG", 581: "COM",
    590: "MUS", 591: "SYC", 600: "MAR", 615: "DZA", 616: "TUN", 620: "LBY", 625: "SDN", 626: "SSD",
    # Middle East
    630: "IRN", 640: "TUR", 645: "IRQ", 651: "EGY", 652: "SYR", 660: "LBN", 663: "JOR", 666: "ISR", 670: "SAU",
    678: "YEM", 690: "KWT", 692: "BHR", 694: "QAT", 696: "ARE", 698: "OMN",
    # Asia
    700: "AFG", 701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB", 705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN",
    731: "PRK", 732: "KOR", 740: "JPN", 750: "IND", 760: "BTN", 770: "PAK", 771: "BGD", 775: "MMR", 780: "LKA",
    781: "MDV", 790: "NPL", 800: "THA", 811: "KHM", 812: "LAO", 816: "VNM", 820: "MYS", 830: "SGP", 835: "BRN",
    840: "PHL", 850: "IDN", 860: "TLS",
    # Oceania
    900: "AUS", 910: "PNG", 920: "NZL", 935: "VUT", 940: "SLB", 950: "FJI", 970: "KIR", 971: "NRU", 972: "TON",
    973: "TUV", 983: "MHL", 986: "PLW", 987: "FSM", 990: "WSM",
}

FIPS_TO_ISO3: dict[str, str] = {
    "AA": "ABW", "AC": "ATG", "AE": "ARE", "AF": "AFG", "AG": "DZA", "AJ": "AZE", "AL": "ALB", "AM": "ARM",
    "AN": "AND", "AO": "AGO", "AQ": "ASM", "AR": "ARG", "AS": "AUS", "AU": "AUT", "AV": "AIA", "AY": "ATA",
    "BA": "BHR", "BB": "BRB", "BC": "BWA", "BD": "BMU", "BE": "BEL", "BF": "BHS", "BG": "BGD", "BH": "BLZ",
    "BK": "BIH", "BL": "BOL", "BM": "MMR", "BN": "BEN", "BO": "BLR", "BP": "SLB", "BR": "BRA", "BT": "BTN",
    "BU": "BGR", "BV": "BVT", "BX": "BRN", "BY": "BDI", "CA": "CAN", "CB": "KHM", "CD": "TCD", "CE": "LKA",
    "CF": "COG", "CG": "COD", "CH": "CHN", "CI": "CHL", "CJ": "CYM", "CK": "CCK", "CM": "CMR", "CN": "COM",
    "CO": "COL", "CQ": "MNP", "CS": "CRI", "CT": "CAF", "CU": "CUB", "CV": "CPV", "CW": "COK", "CY": "CYP",
    "DA": "DNK", "DJ": "DJI", "DO": "DMA", "DR": "DOM", "EC": "ECU", "EG": "EGY", "EI": "IRL", "EK": "GNQ",
    "EN": "EST", "ER": "ERI", "ES": "SLV", "ET": "ETH", "EZ": "CZE", "FG": "GUF", "FI": "FIN", "FJ": "FJI",
    "FK": "FLK", "FM": "FSM", "FO": "FRO", "FP": "PYF", "FR": "FRA", "FS": "ATF", "GA": "GMB", "GB": "GAB",
    "GG": "GEO", "GH": "GHA", "GI": "GIB", "GJ": "GRD", "GK": "GGY", "GL": "GRL", "GM": "DEU", "GP": "GLP",
    "GQ": "GUM", "GR": "GRC", "GT": "GTM", "GV": "GIN", "GY": "GUY", "HA": "HTI", "HK": "HKG", "HM": "HMD",
    "HO": "HND", "HR": "HRV", "HU": "HUN", "IC": "ISL", "ID": "IDN", "IM": "IMN", "IN": "IND", "IO": "IOT",
    "IR": "IRN", "IS": "ISR", "IT": "ITA", "IV": "CIV", "IZ": "IRQ", "JA": "JPN", "JE": "JEY", "JM": "JAM",
    "JO": "JOR", "KE": "KEN", "KG": "KGZ", "KN": "PRK", "KR": "KIR", "KS": "KOR", "KT": "CXR", "KU": "KWT",
    "KZ": "KAZ", "LA": "LAO", "LE": "LBN", "LG": "LVA", "LH": "LTU", "LI": "LBR", "LO": "SVK", "LS": "LIE",
    "LT": "LSO", "LU": "LUX", "LY": "LBY", "MA": "MDG", "MB": "MTQ", "MC": "MAC", "MD": "MDA", "MF": "MYT",
    "MG": "MNG", "MH": "MSR", "MI": "MWI", "MJ": "MNE", "MK": "MKD", "ML": "MLI", "MN": "MCO", "MO": "MAR",
    "MP": "MUS", "MR": "MRT", "MT": "MLT", "MU": "OMN", "MV": "MDV", "MX": "MEX", "MY": "MYS", "MZ": "MOZ",
    "NC": "NCL", "NE": "NIU", "NF": "NFK", "NG": "NER", "NH": "VUT", "NI": "NGA", "NL": "NLD", "NO": "NOR",
    "NP": "NPL", "NR": "NRU", "NS": "SUR", "NU": "NIC", "NZ": "NZL", "PA": "PRY", "PC": "PCN", "PE": "PER",
    "PK": "PAK", "PL": "POL", "PM": "PAN", "PO": "PRT", "PP": "PNG", "PS": "PLW", "PU": "GNB", "QA": "QAT",
    "RE": "REU", "RI": "SRB", "RM": "MHL", "RO": "ROU", "RP": "PHL", "RQ": "PRI", "RS": "RUS", "RW": "RWA",
    "SA": "SAU", "SB": "SPM", "SC": "KNA", "SE": "SYC", "SF": "ZAF", "SG": "SEN", "SH": "SHN", "SI": "SVN",
    "SL": "SLE", "SM": "SMR", "SN": "SGP", "SO": "SOM", "SP": "ESP", "ST": "LCA", "SU": "SDN", "SV": "SJM",
    "SW": "SWE", "SX": "SGS", "SY": "SYR", "SZ": "CHE", "TB": "BLM", "TD": "TTO", "TH": "THA", "TI": "TJK",
    "TK": "TCA", "TL": "TKL", "TN": "TON", "TO": "TGO", "TP": "STP", "TS": "TUN", "TT": "TLS", "TU": "TUR",
    "TV": "TUV", "TW": "TWN", "TX": "TKM", "TZ": "TZA", "UG": "UGA", "UK": "GBR", "UP": "UKR", "US": "USA",
    "UV": "BFA", "UY": "URY", "UZ": "UZB", "VC": "VCT", "VE": "VEN", "VI": "VGB", "VM": "VNM", "VQ": "VIR",
    "VT": "VAT", "WA": "NAM", "WE": "PSE", "WF": "WLF", "WI": "ESH", "WS": "WSM", "WZ": "SWZ", "YM": "YEM",
    "ZA": "ZMB", "ZI": "ZWE",
    "GZ": "PSE", "KV": "XKX", "OD": "SSD", "UC": "CUW", "NN": "SXM", "RN": "MAF",
}

# CAMEO codes ISO 3166-1 has replaced since: Romania (ROM until 2002), East Timor (TMP until 2002), Zaire (ZAR until
# 1997), and CAMEO's own code for Kosovo.
CAMEO_RENAMED: dict[str, str] = {"ROM": "ROU", "TMP": "TLS", "ZAR": "COD", "KOS": "XKX"}
