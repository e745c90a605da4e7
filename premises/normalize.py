"""How a typed location becomes the street file's spelling: "123 north main street" → "123 N MAIN ST"."""

import re
import unicodedata

SUFFIXES = {
    "STREET": "ST", "STR": "ST", "AVENUE": "AVE", "AV": "AVE", "AVN": "AVE", "BOULEVARD": "BLVD",
    "ROAD": "RD", "DRIVE": "DR", "LANE": "LN", "COURT": "CT", "PLACE": "PL", "TERRACE": "TER",
    "PARKWAY": "PKWY", "HIGHWAY": "HWY", "CIRCLE": "CIR", "TRAIL": "TRL", "WAY": "WAY",
    "ALLEY": "ALY", "CRESCENT": "CRES", "EXPRESSWAY": "EXPY", "FREEWAY": "FWY", "SQUARE": "SQ",
    "PLAZA": "PLZ", "CROSSING": "XING", "TURNPIKE": "TPKE", "CAUSEWAY": "CSWY", "BOULEVARDE": "BLVD",
    "BLV": "BLVD", "AVEN": "AVE", "DRV": "DR", "CRT": "CT", "LA": "LN", "PKY": "PKWY", "HIWAY": "HWY",
}
DIRECTIONALS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}

def ordinal(n: int) -> str:
    """3 → "3RD", 11 → "11TH", 22 → "22ND"."""
    if 10 <= n % 100 <= 20:
        return f"{n}TH"
    return f"{n}" + {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")


_ORDINAL_WORDS = [
    "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH",
    "ELEVENTH", "TWELFTH", "THIRTEENTH", "FOURTEENTH", "FIFTEENTH", "SIXTEENTH", "SEVENTEENTH",
    "EIGHTEENTH", "NINETEENTH",
]
_TENS = {"TWENTY": 20, "THIRTY": 30, "FORTY": 40, "FIFTY": 50, "SIXTY": 60, "SEVENTY": 70,
         "EIGHTY": 80, "NINETY": 90}
ORDINALS = {word: ordinal(n) for n, word in enumerate(_ORDINAL_WORDS, start=1)}
ORDINALS.update({word[:-1] + "IETH": ordinal(n) for word, n in _TENS.items()})  # TWENTIETH
UNIT_ORDINALS = {word: n for n, word in enumerate(_ORDINAL_WORDS[:9], start=1)}
NUMBERED_ORDINAL = re.compile(r"^(\d+)(?:ST|ND|RD|TH|D)$")
# A slash between digits is a fraction ("123 1/2 MAIN ST"), not a corner.
INTERSECTION_SPLIT = re.compile(r"\s*(?:(?<![0-9])/|/(?![0-9])|&|\bAND\b|\bAT\b|@)\s*")
FRACTION = re.compile(r"^(?P<number>\d+) (?P<fraction>\d/\d) (?P<street>.+)$")
UNIT_DESIGNATORS = {
    "APT": "APT", "APARTMENT": "APT", "STE": "STE", "SUITE": "STE", "UNIT": "UNIT", "RM": "RM",
    "ROOM": "RM", "FL": "FL", "FLOOR": "FL", "BLDG": "BLDG", "BUILDING": "BLDG", "LOT": "LOT", "#": "#",
}
UNIT_AT_END = re.compile(
    r"^(?P<base>\d+ .+?)\s+(?:(?P<designator>" + "|".join(d for d in UNIT_DESIGNATORS if d != "#")
    + r")(?:\s+|(?=\d))|#\s*)(?P<unit>[A-Z0-9]{1,8})$"
)


def normalize(text: str) -> str:
    """Upper case, accents and punctuation dropped, suffixes, directionals and ordinal words
    abbreviated."""
    # "JOSÉ" is JOSE, not JOS: split letters from their accents before dropping what is not A-Z.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^A-Z0-9/&@# ]+", " ", text.upper().replace("#", " # "))
    text = re.sub(r"(?<![0-9])/|/(?![0-9])|&|@", lambda m: f" {m.group(0)} ", text)  # "MAIN/3RD"
    raw = text.split()
    words: list[str] = []
    for index, word in enumerate(raw):
        # "TWENTY FIRST" (the hyphen is gone by now) is one ordinal: 21ST.
        if words and words[-1] in _TENS and word in UNIT_ORDINALS:
            words[-1] = ordinal(_TENS[words[-1]] + UNIT_ORDINALS[word])
            continue
        following = raw[index + 1] if index + 1 < len(raw) else None
        if word in SUFFIXES and _ends_a_name(following):
            word = SUFFIXES[word]  # "LA SALLE ST" keeps its LA; "MAIN STREET NORTH" is MAIN ST N
        elif word == "SAINT" and following is not None and not _ends_a_name(following):
            word = "ST"  # USPS: SAINT PAUL AVE is ST PAUL AVE
        word = DIRECTIONALS.get(word, word)
        word = ORDINALS.get(word, word)
        numbered = NUMBERED_ORDINAL.match(word)
        if numbered:
            word = ordinal(int(numbered.group(1)))  # "3TH" and "3D" typed in a hurry: 3RD
        words.append(word)
    return " ".join(words)


def _ends_a_name(following: str | None) -> bool:
    """A suffix is one when it ends a street's name: last, or before a directional, an apartment,
    or the other street of a corner."""
    return following is None or following in DIRECTIONALS or following in DIRECTIONALS.values() or (
        following in UNIT_DESIGNATORS or following in _CONNECTORS or following.startswith("#"))


_CONNECTORS = {"/", "&", "@", "AND", "AT"}


def split_intersection(text: str) -> tuple[str, str] | None:
    """ "MAIN / 3RD", "main & 3rd", "MAIN AND 3RD AVE" → the two street parts, normalized."""
    parts = [p for p in INTERSECTION_SPLIT.split(normalize(text)) if p]
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def split_number(text: str) -> tuple[int | None, str]:
    """ "123 MAIN ST" → (123, "MAIN ST"); "MAIN ST" → (None, "MAIN ST")."""
    match = re.match(r"^(\d+)(?:\s+(.*))?$", text)  # "3RD AVE" is a street, not number 3 of RD AVE
    if not match:
        return None, text
    return int(match.group(1)), match.group(2) or ""


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


def unit_key(unit: str) -> str:
    """A unit as an import or a caller gives it, in the street file's spelling: "Apt. 4" → "APT 4",
    "#4" and "4" → "#4"."""
    text = normalize(unit).replace("# ", "#").strip()
    if not text:
        return ""
    words = text.split()
    if words[0] in UNIT_DESIGNATORS and words[0] != "#" and len(words) > 1:
        return f"{UNIT_DESIGNATORS[words[0]]} {' '.join(words[1:])}"
    return "#" + text.lstrip("#").strip()


def unit_identifier(unit: str) -> str:
    """What names a unit whatever its prefix: "APT 4", "#4", "UNIT 4" and "4" are all "4"."""
    words = unit_key(unit).lstrip("#").split()
    if len(words) > 1 and words[0] in UNIT_DESIGNATORS:
        words = words[1:]
    return " ".join(words)


def trigrams(text: str) -> set[str]:
    """The trigrams PostgreSQL's pg_trgm takes from a text: each word lower-cased, padded with two
    spaces before and one after."""
    grams: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two, 0 to 1."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
