"""The unit terminal's API: an officer signs on to a unit, and acts for that unit only."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.exceptions import Forbidden, Invalid
from cad.permissions import IsOfficer
from calls import services
from calls.api.serializers import AlertSerializer, ChronologyEntrySerializer
from calls.api.serializers.messages import MessageSerializer
from calls.api.serializers.shares import ALL_SHARES
from calls.api.serializers.terminal import (
    EmergencyButtonInputSerializer,
    SignOnInputSerializer,
    TerminalMessageInputSerializer,
    TerminalNoteInputSerializer,
    TerminalSerializer,
    TerminalStatusInputSerializer,
    TrafficStopInputSerializer,
)
from calls.choices import MessageTo
from calls.models import Call
from calls.selectors.terminal import terminal_read
from units.models import Shift, Unit
from units.selectors import shift_open
from units.services import unit_sign_off, unit_sign_on, unit_status_set
from units.services.field_actions import field_action_once

CONFLICT = OpenApiResponse(description='{"detail": …}: the reason it cannot be done as things stand')
FORBIDDEN = OpenApiResponse(description='{"detail": …}: not an officer, or not signed on to a unit')


class TerminalViewSet(viewsets.ViewSet):
    """The unit terminal (/unit/): the officer's shift, their unit and its call, and what they do
    for that unit. Field officers only; every change goes through the same services as the console."""

    permission_classes = [IsOfficer]

    def _shift(self) -> Shift:
        shift = shift_open(self.request.user)
        if shift is None:
            raise Forbidden("You are not signed on to a unit: sign on first.")
        return shift

    def _unit_and_call(self) -> tuple[Unit, Call | None]:
        """My unit as it is now, and the call it works (None when on none)."""
        unit = Unit.objects.get(pk=self._shift().unit_id)
        call = Call.objects.filter(pk=unit.current_call_id).first() if unit.current_call_id else None
        return unit, call

    def _terminal(self, shift: Shift | None = None, code: int = status.HTTP_200_OK) -> Response:
        terminal = terminal_read(self.request.user, shift)
        call = terminal["call"]
        data = TerminalSerializer(terminal, context=self._context(terminal)).data
        if call is not None and terminal["unit"] is not None:
            # The crew on the call reads its confidential flags, as an agency's crews do (released,
            # each release recorded).
            services.call_premise_flags_release_record(call=call, by=self.request.user,
                                                       agency=terminal["unit"].agency,
                                                       units=[terminal["unit"].callsign])
        return Response(data, status=code)

    def _context(self, terminal: dict) -> dict:
        return {"request": self.request, "shares_for": ALL_SHARES,
                "confidential_text": terminal["call"] is not None}

    @extend_schema(responses={200: TerminalSerializer, 403: FORBIDDEN})
    def list(self, request):
        """My terminal: my open shift and its unit (null when not signed on, with the units I may
        sign on to), the unit's call with its premise flags and chronology, and its day."""
        return self._terminal()

    @extend_schema(request=SignOnInputSerializer, responses={201: TerminalSerializer, 403: FORBIDDEN,
                                                             409: CONFLICT})
    @action(detail=False, methods=["post"], url_path="sign-on")
    def sign_on(self, request):
        """Sign on to a unit of my agency for my shift."""
        data = _valid(SignOnInputSerializer, request)
        unit = Unit.objects.filter(callsign=data["unit"].strip().upper()).first()
        if unit is None:
            raise Invalid({"unit": [f"No unit {data['unit']!r}."]})
        shift = unit_sign_on(unit=unit, user=request.user, by=request.user)
        return self._terminal(shift, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TerminalSerializer, 403: FORBIDDEN, 409: CONFLICT})
    @action(detail=False, methods=["post"], url_path="sign-off")
    def sign_off(self, request):
        """End my shift on the unit (kept in the roster's history)."""
        unit_sign_off(user=request.user, by=request.user)
        return self._terminal()

    @extend_schema(request=TerminalStatusInputSerializer,
                   responses={200: TerminalSerializer, 403: FORBIDDEN, 409: CONFLICT})
    @action(detail=False, methods=["post"])
    def status(self, request):
        """My unit's status (en route, on scene, transporting, at hospital, available, …): only a
        change its current status allows; 409 with the reason otherwise. With a `client_id`, applied
        once: the same id again is answered as the first time."""
        shift = self._shift()
        data = _valid(TerminalStatusInputSerializer, request)

        def apply() -> tuple[int, dict]:
            unit_status_set(unit=shift.unit, status=data["status"], by=request.user,
                            device_at=data.get("device_at"))
            response = self._terminal(shift)
            return response.status_code, response.data

        return self._once("status", data, apply)

    @extend_schema(request=TerminalNoteInputSerializer,
                   responses={201: ChronologyEntrySerializer, 403: FORBIDDEN, 409: CONFLICT})
    @action(detail=False, methods=["post"])
    def notes(self, request):
        """A note on the call my unit works, in its chronology (marked with the unit). With a
        `client_id`, applied once, as a status."""
        unit, call = self._unit_and_call()
        data = _valid(TerminalNoteInputSerializer, request)

        def apply() -> tuple[int, dict]:
            # Checked only when applied: a replay is answered as the first time, wherever the unit is now.
            if call is None:
                raise Invalid({"text": [f"{unit.callsign} is not on a call: a note goes on its call."]})
            entry = services.call_note_add(call=call, by=request.user, text=data["text"], unit=unit,
                                           device_at=data.get("device_at"))
            return status.HTTP_201_CREATED, ChronologyEntrySerializer(entry).data

        return self._once("note", data, apply)

    def _once(self, kind: str, data: dict, apply) -> Response:
        if "client_id" not in data:
            code, answer = apply()
            return Response(answer, status=code)
        (code, answer), replayed = field_action_once(client_id=data["client_id"], user=self.request.user,
                                                     kind=kind, device_at=data.get("device_at"), apply=apply)
        return Response(answer, status=code, headers={"Idempotent-Replayed": "true"} if replayed else None)

    @extend_schema(request=TrafficStopInputSerializer,
                   responses={201: TerminalSerializer, 403: FORBIDDEN, 409: CONFLICT})
    @action(detail=False, methods=["post"], url_path="traffic-stop")
    def traffic_stop(self, request):
        """A traffic stop: a new TSTOP call at my unit's last location (or the address or lat/lon
        given), with my unit on scene at once, so its status check runs from now. With a
        `client_id`, applied once: the same id again is answered as the first time, no second call."""
        shift = self._shift()
        given = TrafficStopInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data

        def apply() -> tuple[int, dict]:
            services.call_self_initiate(unit=shift.unit, by=request.user, location=given.location(),
                                        narrative=data.get("narrative", ""), device_at=data.get("device_at"))
            response = self._terminal(shift, status.HTTP_201_CREATED)
            return response.status_code, response.data

        return self._once("traffic_stop", data, apply)

    @extend_schema(request=EmergencyButtonInputSerializer,
                   responses={201: AlertSerializer, 200: AlertSerializer, 403: FORBIDDEN})
    @action(detail=False, methods=["post"])
    def emergency(self, request):
        """My emergency button (a long press): my unit's emergency, with where the device is
        (`lat`/`lon`, else the unit's last known location), on every console and the board until a
        supervisor acknowledges it. 201 raised; 200 the one already open (pressed again). With a
        `client_id` (a press the terminal kept while offline), applied once, as a status."""
        shift = self._shift()
        data = _valid(EmergencyButtonInputSerializer, request)

        def apply() -> tuple[int, dict]:
            alert, raised = services.unit_emergency_raise(
                unit=shift.unit, by=request.user, lat=data.get("lat"), lon=data.get("lon"),
                device_at=data.get("device_at"))
            return status.HTTP_201_CREATED if raised else status.HTTP_200_OK, AlertSerializer(alert).data

        return self._once("emergency", data, apply)

    @extend_schema(request=TerminalMessageInputSerializer, responses={201: MessageSerializer, 403: FORBIDDEN})
    @action(detail=False, methods=["post"])
    def messages(self, request):
        """A message from my unit to the center's consoles (about its call, when it works one). With
        a `client_id`, applied once, as a status."""
        unit, call = self._unit_and_call()
        data = _valid(TerminalMessageInputSerializer, request)

        def apply() -> tuple[int, dict]:
            message = services.message_send(by=request.user, text=data["text"], to_kind=MessageTo.CONSOLES,
                                            call=call, from_unit=unit, device_at=data.get("device_at"))
            return status.HTTP_201_CREATED, MessageSerializer(message).data

        return self._once("message", data, apply)


def _valid(serializer_class, request) -> dict:
    given = serializer_class(data=request.data)
    given.is_valid(raise_exception=True)
    return given.validated_data
