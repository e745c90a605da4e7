"""False-alarm billing over the API: thin views over the billing selectors and services."""

from datetime import timedelta

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from cad.permissions import IsAnyCenterStaff, IsSupervisor, KeepsRecords
from premises.models import AlarmPermit
from records.api.billing_serializers import (
    AppealInputSerializer,
    BillSerializer,
    DecisionInputSerializer,
    FalseAlarmQuerySerializer,
    FalseAlarmSerializer,
    PaymentInputSerializer,
    PaymentSerializer,
)
from records.billing import services
from records.billing.choices import BillStatus
from records.billing.pdf import bill_pdf
from records.billing.selectors import false_alarms
from records.models import Bill


class FalseAlarmListView(GenericAPIView):
    permission_classes = [IsAnyCenterStaff]
    serializer_class = FalseAlarmSerializer
    queryset = Bill.objects.none()  # a computed list; the schema needs a model to name

    @extend_schema(
        operation_id="v1_false_alarms_list",
        parameters=[
            OpenApiParameter("permit", str, description="Only this permit's alarms (its number)"),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day received (default: a year before `to`)"
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Last day received, included (default: today)"
            ),
        ],
        responses={200: FalseAlarmSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        """Every closed alarm call received from `from` to `to`, oldest first: its permit, its count in the
        window, billable or not, the fee and the reason in words (the fee schedule in effect that day)."""
        query = FalseAlarmQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        end = query.validated_data.get("to") or timezone.localdate()
        start = query.validated_data.get("from") or end - timedelta(days=365)
        permit = None
        if query.validated_data.get("permit"):
            permit = AlarmPermit.objects.filter(number=query.validated_data["permit"].strip()).first()
            if permit is None:
                return Response(
                    {"permit": ["No alarm permit has that number."]}, status=status.HTTP_400_BAD_REQUEST
                )
        verdicts = false_alarms(start=start, end=end, permit=permit)
        page = self.paginate_queryset(verdicts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class BillFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BillStatus.choices)
    permit = django_filters.CharFilter(field_name="permit__number", help_text="A permit's number")

    class Meta:
        model = Bill
        fields = ["status", "permit"]


PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The notice the holder receives (application/pdf)")


class BillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """False-alarm bills, newest first; clerks file appeals and record payments, supervisors decide."""

    queryset = (
        Bill.objects.select_related("permit", "schedule", "appeal")
        .prefetch_related("lines", "payments")
        .order_by("-pk")
    )
    serializer_class = BillSerializer
    filterset_class = BillFilterSet

    def get_permissions(self):
        if self.action in ("appeal", "payments"):
            return [KeepsRecords()]
        if self.action == "decision":
            return [IsSupervisor()]
        return [IsAnyCenterStaff()]

    def _answer(self, bill: Bill, code: int = status.HTTP_200_OK) -> Response:
        return Response(BillSerializer(self.get_queryset().get(pk=bill.pk)).data, status=code)

    @extend_schema(responses={(200, "application/pdf"): PDF})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The bill's notice as a PDF that fits a #10 window envelope."""
        bill = self.get_object()
        response = HttpResponse(bill_pdf(bill), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{bill.number or f"draft-{bill.pk}"}.pdf"'
        return response

    @extend_schema(request=AppealInputSerializer, responses={201: BillSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        """File the holder's written appeal (within the schedule's window): the fee is held until decided."""
        bill = self.get_object()
        body = AppealInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.bill_appeal(bill=bill, reason=body.validated_data["reason"], by=request.user)
        return self._answer(bill, status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInputSerializer, responses={200: BillSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Decide an open appeal: upheld, waived (nothing more owed) or reduced (to `amount`)."""
        bill = self.get_object()
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.bill_decide(bill=bill, by=request.user, **body.validated_data)
        return self._answer(bill)

    @extend_schema(request=PaymentInputSerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Record money received; partial payments add up, more than the balance is refused."""
        bill = self.get_object()
        body = PaymentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.bill_payment_add(bill=bill, by=request.user, **body.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
