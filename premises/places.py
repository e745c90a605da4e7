"""A place: where the street file (or a record) puts a location, built only by the constructors
below so that every kind a place can be is listed here."""

from dataclasses import dataclass, replace
from enum import StrEnum

from premises.models import Address, Beat, CommonPlace, Intersection, Street

ADDRESS_LENGTH = 200  # what a call's address column holds


class PlaceKind(StrEnum):
    ADDRESS = "address"  # an address point, or a building known by its units' points
    INTERSECTION = "intersection"
    INTERPOLATED = "interpolated"  # a number placed along its block
    COMMON_PLACE = "place"  # CITY HALL, a school, a business
    COORDINATES = "coordinates"  # a point, named after the nearest address when one is near
    STREET = "street"  # a street known by name only (a "did you mean" for a misspelt one)
    SUGGESTION = "suggestion"  # not verified: offered because the words were spelt like it
    UNVERIFIED = "unverified"  # the words as typed, matched to nothing
    RECORDED = "recorded"  # a location already kept on a record (a call's)


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    address: str
    lat: float | None
    lon: float | None
    beat: Beat | None
    verified: bool
    address_id: int | None = None  # the address point, when the place is one (flags and permits)
    name: str = ""  # a common place's name ("CITY HALL")
    # (street id, number) of a building with unit points but no point of its own: its units' flags
    building: tuple[int, int] | None = None

    @classmethod
    def of_address(cls, address: Address) -> "Place":
        return cls(PlaceKind.ADDRESS, address.label, address.lat, address.lon, address.beat, True, address.pk)

    @classmethod
    def of_building(cls, *, label: str, lat: float, lon: float, beat: Beat | None,
                    building: tuple[int, int]) -> "Place":
        """A building the street file knows only by its units' points."""
        return cls(PlaceKind.ADDRESS, label, lat, lon, beat, True, building=building)

    @classmethod
    def of_intersection(cls, intersection: Intersection, typed_first: Street | None = None) -> "Place":
        """Named in the order the caller gave the streets ("3RD AVE / MAIN ST" stays so)."""
        a, b = intersection.street_a, intersection.street_b
        if typed_first is not None and typed_first == b:
            a, b = b, a
        return cls(PlaceKind.INTERSECTION, f"{a.name} / {b.name}", intersection.lat, intersection.lon,
                   intersection.beat, True)

    @classmethod
    def of_common_place(cls, place: CommonPlace) -> "Place":
        label = place.address.label if place.address_id else place.name
        return cls(PlaceKind.COMMON_PLACE, label, place.lat, place.lon, place.beat, True, place.address_id,
                   place.name)

    @classmethod
    def interpolated(cls, *, label: str, lat: float, lon: float, beat: Beat | None) -> "Place":
        return cls(PlaceKind.INTERPOLATED, label, lat, lon, beat, True)

    @classmethod
    def at_point(cls, *, label: str, lat: float, lon: float, beat: Beat | None,
                 address_id: int | None) -> "Place":
        """Coordinates; `address_id` when they are on top of an address point."""
        return cls(PlaceKind.COORDINATES, label, lat, lon, beat, False, address_id)

    @classmethod
    def of_street(cls, street: Street) -> "Place":
        return cls(PlaceKind.STREET, street.name, None, None, None, False)

    @classmethod
    def unverified(cls, text: str, *, lat: float | None = None, lon: float | None = None,
                   beat: Beat | None = None, address_id: int | None = None) -> "Place":
        """The words as typed (upper case, cut to what a record holds), at a point if one was given."""
        # Upper case can lengthen text ("ß" → "SS").
        return cls(PlaceKind.UNVERIFIED, text.upper()[:ADDRESS_LENGTH], lat, lon, beat, False, address_id)

    @classmethod
    def recorded(cls, *, address: str, lat: float | None, lon: float | None, beat: Beat | None,
                 verified: bool, address_id: int | None = None) -> "Place":
        """A location kept on a record, to look up what is known there (flags, permits, duplicates)."""
        return cls(PlaceKind.RECORDED, address, lat, lon, beat, verified, address_id)

    def as_suggestion(self) -> "Place":
        return replace(self, kind=PlaceKind.SUGGESTION, verified=False)

    def named(self, label: str) -> "Place":
        """The same place under another name (an apartment, 123 1/2)."""
        return replace(self, address=label[:ADDRESS_LENGTH])
