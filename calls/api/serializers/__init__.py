"""The calls API's shapes: a call (lists, detail, stream), what it accepts, alerts, duplicates,
recommendations, reference lists and today's figures."""

from calls.api.serializers.alerts import AlertQuerySerializer, AlertSerializer, EmergencyInputSerializer
from calls.api.serializers.calls import (
    AssignmentSerializer,
    CallDetailSerializer,
    CallPremiseFlagSerializer,
    CallSerializer,
    ChronologyEntrySerializer,
)
from calls.api.serializers.inputs import (
    CallCreateSerializer,
    CallTypeField,
    CallUpdateSerializer,
    CloseInputSerializer,
    DispatchInputSerializer,
    LinkInputSerializer,
    NoteInputSerializer,
    ReopenInputSerializer,
    SupplementInputSerializer,
)
from calls.api.serializers.reference import CallTypeSerializer, DispositionSerializer, PrioritySerializer

__all__ = [
    "AlertQuerySerializer", "AlertSerializer", "EmergencyInputSerializer",
    "AssignmentSerializer", "CallCreateSerializer", "CallDetailSerializer",
    "CallPremiseFlagSerializer", "CallSerializer", "CallTypeField", "CallTypeSerializer",
    "CallUpdateSerializer", "ChronologyEntrySerializer", "CloseInputSerializer", "DispatchInputSerializer",
    "DispositionSerializer", "LinkInputSerializer", "NoteInputSerializer", "PrioritySerializer",
    "ReopenInputSerializer", "SupplementInputSerializer",
]
