"""EIDO in the API: a call as a NENA-STA-021 EIDO (`GET calls/{id}/eido/`), and another center's
EIDO made into a call here or applied to the call it made (`POST eido/`)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cad import roles
from cad.exceptions import Invalid
from cad.parsers import SafeJSONParser
from cad.permissions import IsCenterStaffOrPartner
from calls import services
from calls.api.serializers import CallDetailSerializer
from calls.eido.build import CONTENT_TYPE, eido_build
from calls.eido.read import eido_read
from calls.eido.schema import eido_problems
from calls.selectors import call_details_visible_to, call_lookup, calls_visible_to
from calls.selectors.eido import eido_calls, eido_context

EIDO_DESCRIPTION = ("A NENA-STA-021 Emergency Incident Data Object (EmergencyIncidentDataObjectType in "
                    "calls/reference/eido_openapi.yaml, the schema it is validated against)")
EIDO = {"type": "object", "description": EIDO_DESCRIPTION,
        "required": ["$id", "lastUpdateTimeStamp", "updatedByAgencyReference", "eidoVersion",
                     "issuingElementIdentification", "agencyComponent"],
        "properties": {"eidoVersion": {"type": "string", "enum": ["1.0"]}}}


class EidoRenderer(JSONRenderer):
    media_type = CONTENT_TYPE
    format = "eido"


class EidoParser(SafeJSONParser):
    media_type = CONTENT_TYPE


class CallEidoMixin:
    """The call viewset's EIDO: for whoever may see the call (a partner: only a call shared with it)."""

    @extend_schema(responses={200: OpenApiResponse(response=EIDO, description=EIDO_DESCRIPTION)},
                   operation_id="calls_eido_retrieve")
    @action(detail=True, methods=["get"], url_path="eido", url_name="eido",
            renderer_classes=[EidoRenderer, JSONRenderer])
    def eido(self, request, pk=None):
        """The call as a NENA-STA-021 EIDO (`application/emergency.eido+json`): the incident, the call,
        its location (civic address and point, as PIDF-LO), the agencies, each unit sent as an
        emergency resource with its EIDO status, the chronology as notes, the disposition, and links
        to its master or duplicates."""
        visible = calls_visible_to(request.user).prefetch_related(None)
        call = get_object_or_404(eido_calls(visible), **call_lookup(self.kwargs["pk"]))
        return Response(eido_build(call, context=eido_context()))


class EidoReceiveView(APIView):
    """Another center's EIDO: partners' programs (their token) and the center's own."""

    permission_classes = [IsCenterStaffOrPartner]
    parser_classes = [EidoParser, SafeJSONParser]

    @extend_schema(request={CONTENT_TYPE: EIDO},
                   responses={201: CallDetailSerializer, 200: CallDetailSerializer},
                   operation_id="eido_receive")
    def post(self, request):
        """An EIDO (NENA-STA-021) from another center. A new incident becomes a pending call here
        (source `partner`, sent by the sender's agency, its incident id kept) → 201; an incident that
        already made a call here, or one of our own incidents the sender may see, updates that call
        (what changed, through call entry, and each note not added before) → 200. An EIDO that does
        not validate against the schema: 400 with the validator's reasons under `eido`."""
        document = request.data
        if not isinstance(document, dict):
            raise Invalid({"eido": ["Send one EIDO: a JSON object."]})
        problems = eido_problems(document)
        if problems:
            raise Invalid({"eido": problems})
        try:
            receipt = services.call_eido_receive(
                incoming=eido_read(document), by=request.user, agency=roles.scoped_agency(request.user),
                visible=calls_visible_to(request.user).prefetch_related(None))
        except LookupError:
            raise NotFound("No such incident here, or not one this agency may see.") from None
        call = call_details_visible_to(request.user).get(pk=receipt.call.pk)
        answer = CallDetailSerializer(call, context={"request": request, "confidential_text": False}).data
        return Response(answer, status=status.HTTP_201_CREATED if receipt.created else status.HTTP_200_OK)
