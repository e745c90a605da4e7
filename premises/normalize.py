"""How a typed location becomes the street file's spelling: "123 north main street" → "123 N MAIN ST"."""

import re

SUFFIXES = {
    "STREET": "ST", "STR": "ST", "AVENUE": "AVE", "AV": "AVE", "AVN": "AVE", "BOULEVARD": "BLVD",
    "ROAD": "RD", "DRIVE": "DR", "LANE": "LN", "COURT": "CT", "PLACE": "PL", "TERRACE": "TER",
    "PARKWAY": "PKWY", "HIGHWAY": "HWY", "CIRCLE": "CIR", "TRAIL": "TRL", "WAY": "WAY",
}
DIRECTIONALS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}
ORDINALS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH",
    "SIXTH": "6TH", "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
    "ELEVENTH": "11TH", "TWELFTH": "12TH",
}
INTERSECTION_SPLIT = re.compile(r"\s*(?:/|&|\bAND\b|\bAT\b|@)\s*")
UNIT_DESIGNATORS = {
    "APT": "APT", "APARTMENT": "APT", "STE": "STE", "SUITE": "STE", "UNIT": "UNIT", "RM": "RM",
    "ROOM": "RM", "FL": "FL", "FLOOR": "FL", "BLDG": "BLDG", "BUILDING": "BLDG", "LOT": "LOT", "#": "#",
}
UNIT_AT_END = re.compile(
    r"^(?P<base>\d+ .+?)\s+(?:(?P<designator>" + "|".join(d for d in UNIT_DESIGNATORS if d != "#")
    + r")(?:\s+|(?=\d))|#\s*)(?P<unit>[A-Z0-9]{1,8})$"
)


def normalize(text: str) -> str:
    """Upper case, punctuation dropped, suffixes, directionals and ordinal words abbreviated."""
    text = re.sub(r"[^A-Z0-9/&@# ]+", " ", text.upper().replace("#", " # "))
    words = []
    for word in text.split():
        word = SUFFIXES.get(word, word)
        word = DIRECTIONALS.get(word, word)
        word = ORDINALS.get(word, word)
        words.append(word)
    return " ".join(words)


def split_intersection(text: str) -> tuple[str, str] | None:
    """ "MAIN / 3RD", "main & 3rd", "MAIN AND 3RD AVE" → the two street parts, normalized."""
    parts = [p for p in INTERSECTION_SPLIT.split(normalize(text)) if p]
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def split_number(text: str) -> tuple[int | None, str]:
    """ "123 MAIN ST" → (123, "MAIN ST"); "MAIN ST" → (None, "MAIN ST")."""
    match = re.match(r"^(\d+)\s*(.*)$", text)
    if not match:
        return None, text
    return int(match.group(1)), match.group(2)


def split_unit(text: str) -> tuple[str, str]:
    """ "310 MAIN ST APT 4" → ("310 MAIN ST", "APT 4"); no apartment or suite → (text, "")."""
    if text.endswith(" #"):
        text = text[:-2]
    match = UNIT_AT_END.match(text)
    if not match:
        return text, ""
    designator = match.group("designator")
    unit = match.group("unit")
    return match.group("base"), f"{UNIT_DESIGNATORS[designator]} {unit}" if designator else f"#{unit}"
