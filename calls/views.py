"""The dispatcher's console, the supervisors' board and the unit terminal: the pages; everything on
them is live."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cad import roles
from units.choices import ALLOWED_TRANSITIONS, UnitStatus

STREAM_PATH = "/ws/console/"


def unit_statuses() -> dict[str, dict]:
    """Each unit status with its label and the statuses that may follow it, as the server has them:
    the pages offer only the changes the server accepts."""
    return {status.value: {"label": status.label, "next": [s.value for s in ALLOWED_TRANSITIONS[status]]}
            for status in UnitStatus}


def live_page_context(*, with_map: bool = False) -> dict:
    """What a page on the live stream needs: the stream's path and the statuses' words; `with_map`,
    the map's tiles too."""
    context = {"stream_path": STREAM_PATH, "unit_statuses": unit_statuses()}
    if with_map:
        context |= {"map_tile_url": settings.CAD_MAP_TILE_URL,
                    "map_attribution": settings.CAD_MAP_ATTRIBUTION}
    return context


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """The dispatcher console: call entry, queue, units, call detail, command line; live."""
    if not roles.can_dispatch(request.user):
        raise PermissionDenied("The console is for dispatchers and supervisors.")
    return render(request, "console.html", live_page_context(with_map=True))


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The supervisor status board, meant for a wall screen; live."""
    if not roles.is_center_staff(request.user) or roles.scoped_agency(request.user) is not None:
        raise PermissionDenied("The status board is for the center's staff.")
    return render(request, "board.html", live_page_context())


@login_required
def unit_terminal(request: HttpRequest) -> HttpResponse:
    """The unit terminal, for a field officer on a car's tablet or a phone; live."""
    if not roles.is_officer(request.user):
        raise PermissionDenied("The unit terminal is for field officers.")
    return render(request, "unit.html", live_page_context(with_map=True))
