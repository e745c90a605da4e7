"""The 9-1-1 line in the API: the telephone system's ANI/ALI records (each a pending call, or for an
abandoned call an entry in the callback queue) and their rebids; the callback queue itself."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.permissions import Dispatches
from calls import services
from calls.api.serializers.ali import (
    ALI_ANSWER,
    AliInputSerializer,
    AliRebidInputSerializer,
    AliRecordSerializer,
    CallbackOutcomeInputSerializer,
    CallbackSerializer,
    ClaimedConflictSerializer,
)
from calls.api.serializers.calls import CallDetailSerializer
from calls.selectors import ali_records, call_detail_as_entered, callbacks, callbacks_waiting

NO_CALL_TYPE = OpenApiResponse(description='{"detail": …}: the center has no active call type for 9-1-1 '
                                           'calls of unknown nature (CAD_ALI_CALL_TYPE)')
REBID_REFUSED = OpenApiResponse(description='{"detail": …}: the line\'s call is closed (reopen it to move '
                                            'it)')
TAKEN = OpenApiResponse(ClaimedConflictSerializer,
                        description="Another dispatcher holds it (`claimed_by` names them), or it is done")
ID = r"[0-9]{1,18}"


def _input(request, serializer_class):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class AliViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """ANI/ALI records from the center's 9-1-1 telephone system, newest first: the center's staff
    read them, its telephony program (the center's token) and dispatchers send them; partners 403."""

    serializer_class = AliRecordSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        return ali_records()

    @extend_schema(request=AliInputSerializer, responses={201: ALI_ANSWER, 409: NO_CALL_TYPE})
    def create(self, request, *args, **kwargs):
        """A line's ANI/ALI → 201 the pending call placed from it (with `ali`, the record: its id is
        the line's, for rebids); an abandoned call or hang-up → 201 its callback queue entry."""
        record = services.ali_receive(by=request.user, **_input(request, AliInputSerializer))
        if record.callback_id is not None:
            entry = callbacks().get(pk=record.callback_id)
            return Response(CallbackSerializer(entry).data, status=status.HTTP_201_CREATED)
        answer = CallDetailSerializer(call_detail_as_entered(record.call)).data
        answer["ali"] = AliRecordSerializer(record).data
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=AliRebidInputSerializer, responses={200: AliRecordSerializer, 409: REBID_REFUSED})
    @action(detail=True, methods=["post"])
    def rebid(self, request, pk=None):
        """A newer location for the same caller: kept as a record of its own (answered), and the
        line's call moved there, its chronology saying "location rebid N (…)" and old → new."""
        rebid = services.ali_rebid(record=self.get_object(), by=request.user,
                                   **_input(request, AliRebidInputSerializer))
        return Response(AliRecordSerializer(ali_records().get(pk=rebid.pk)).data)


class CallbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The callback queue: abandoned 9-1-1 calls and hang-ups, for dispatchers and supervisors.

    The list is the entries still waiting (claimed or not), oldest first, each with `waiting_s`.
    """

    serializer_class = CallbackSerializer
    permission_classes = [Dispatches]
    pagination_class = None
    lookup_value_regex = ID

    def get_queryset(self):
        return callbacks_waiting() if self.action == "list" else callbacks()

    def _answer(self, entry):
        return Response(CallbackSerializer(callbacks().get(pk=entry.pk)).data)

    @extend_schema(request=None, responses={200: CallbackSerializer, 409: TAKEN})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take it to call back: one dispatcher at a time (409 naming who has it); it is released
        by its outcome, or by `release/`."""
        return self._answer(services.callback_claim(callback=self.get_object(), by=request.user))

    @extend_schema(request=None, responses={200: CallbackSerializer, 409: TAKEN})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Back to the queue, by the dispatcher who holds it or a supervisor."""
        return self._answer(services.callback_release(callback=self.get_object(), by=request.user))

    @extend_schema(request=CallbackOutcomeInputSerializer, responses={200: CallbackSerializer, 409: TAKEN})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """How it ended: `no_answer`, `pocket_dial`, `emergency` (a pending call is opened, placed
        from the number's ANI/ALI: `call` in the answer) or `resolved`; it leaves the queue."""
        data = _input(request, CallbackOutcomeInputSerializer)
        return self._answer(services.callback_outcome(callback=self.get_object(), by=request.user, **data))
