"""The units' part of the live stream: every unit the console may see, in its snapshot."""

from django.contrib.auth.models import AbstractBaseUser

from cad import stream
from units.api.serializers import UnitSerializer
from units.selectors import units_visible_to


def units_snapshot(user: AbstractBaseUser) -> list[dict]:
    return UnitSerializer(units_visible_to(user), many=True).data


def register() -> None:
    stream.snapshot_part("units", units_snapshot)
