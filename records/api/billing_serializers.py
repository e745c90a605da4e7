"""False-alarm billing's API shapes: the false-alarm list, bills, and what clerks and supervisors send."""

from decimal import Decimal

from rest_framework import serializers

from cad.serializers import StrictInputSerializer
from records.billing.choices import AppealOutcome, BillStatus, PaymentMethod
from records.models import Appeal, Bill, BillLine, Payment

MONEY = {"max_digits": 10, "decimal_places": 2, "coerce_to_string": True}


class FalseAlarmQuerySerializer(StrictInputSerializer):
    permit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="Only this permit's alarms (its number, e.g. AP-2026-0001)",
    )
    # "from" is a Python keyword: the field is named in the serializer's fields below.
    to = serializers.DateField(required=False, help_text="Last day received, included (default: today)")
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="First day received (default: a year before `to`)"
        )
        return fields

    def validate(self, data):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise serializers.ValidationError({"from": ["The first day comes after the last."]})
        return data


class FalseAlarmSerializer(serializers.Serializer):
    call = serializers.CharField(source="call.number", help_text="The call's number")
    call_id = serializers.IntegerField(source="call.pk")
    at = serializers.DateTimeField(source="call.received_at", help_text="When the alarm call came in")
    call_type = serializers.CharField(source="call.call_type.code")
    disposition = serializers.CharField(source="call.disposition.code")
    site = serializers.CharField()
    permit = serializers.CharField(source="permit.number", allow_null=True, default=None)
    billable = serializers.BooleanField()
    count = serializers.IntegerField(
        allow_null=True, help_text="Its count in the window; null when not counted"
    )
    fee = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(help_text='In words, e.g. "3rd false alarm this permit year: free"')
    suspension = serializers.BooleanField(help_text="The count reached the schedule's suspension threshold")
    held = serializers.CharField(
        help_text='Why a billable alarm cannot be billed now ("needs address", "no permit on file"), or empty'
    )
    bill = serializers.CharField(
        source="bill_number",
        allow_null=True,
        help_text="The bill it is on, once billed (empty while the bill is a draft)",
    )


class BillLineSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="call_number", help_text="The alarm call's number")
    fee = serializers.DecimalField(**MONEY)

    class Meta:
        model = BillLine
        fields = ["call", "call_id", "at", "count", "fee", "reason"]


class AppealSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, allow_null=True)

    class Meta:
        model = Appeal
        fields = ["reason", "filed_at", "outcome", "amount", "decision_reason", "decided_at"]


class PaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "reference", "received_at"]


class BillSerializer(serializers.ModelSerializer):
    permit = serializers.CharField(source="permit.number")
    holder = serializers.CharField(source="holder_name")
    lines = BillLineSerializer(many=True)
    total = serializers.DecimalField(**MONEY, help_text="The sum of the lines, as billed")
    amount = serializers.DecimalField(**MONEY, help_text="What is owed after an appeal's decision")
    late_fee = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY, help_text="What is still owed: amount + late fee - paid")
    held = serializers.SerializerMethodField(help_text="The fee held while an appeal is open (else 0.00)")
    issued = serializers.DateField(source="issued_on", allow_null=True)
    due = serializers.DateField(source="due_on", allow_null=True)
    status = serializers.ChoiceField(choices=BillStatus.choices)
    appeal = AppealSerializer(allow_null=True, default=None)
    payments = PaymentSerializer(many=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "number",
            "permit",
            "holder",
            "mailing_address",
            "site",
            "lines",
            "total",
            "amount",
            "late_fee",
            "paid",
            "balance",
            "held",
            "issued",
            "due",
            "status",
            "appeal",
            "payments",
        ]

    def get_held(self, bill: Bill) -> str:
        held = bill.balance if bill.status == BillStatus.APPEALED else Decimal("0.00")
        return f"{held:.2f}"


class AppealInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=4000, help_text="Why the holder appeals, as written")


class DecisionInputSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.00"),
        required=False,
        allow_null=True,
        help_text="With `reduced`: what is owed now",
    )
    reason = serializers.CharField(max_length=4000)


class PaymentInputSerializer(StrictInputSerializer):
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text='e.g. "50.00"; at most the balance',
    )
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Check number, card receipt, …"
    )
