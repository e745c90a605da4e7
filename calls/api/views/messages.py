"""Messages to units in the field, for the center's dispatchers; the record of every message."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from calls import services
from calls.api.serializers.messages import MessageInputSerializer, MessageSerializer
from calls.models import Message


class MessageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Messages between the consoles and units, newest first (center staff read; dispatchers and
    supervisors send)."""

    serializer_class = MessageSerializer
    queryset = Message.objects.select_related("sent_by", "from_unit", "call")

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer})
    def create(self, request):
        """Send a message to a unit, or to every working unit of a beat or an agency; one about a call
        is logged on its chronology. Its terminals get it live (message.sent)."""
        body = MessageInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.message_send(by=request.user, **body.validated_data)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
