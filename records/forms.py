from django import forms

from cad.admin import timestamp
from calls.models import SUPPLEMENT_LONGEST, Call, ChronologyEntry


def _entry_label(entry: ChronologyEntry) -> str:
    text = entry.text if len(entry.text) <= 60 else entry.text[:59] + "…"
    return f"{timestamp(entry.at)} {entry.get_kind_display()}" + (f": {text}" if text else "")


class SupplementForm(forms.Form):
    """What a supplement says and, if any, the line of this call's chronology it corrects. The rules
    (not empty, not too long, a line of this call) are the service's: its answer is shown here."""

    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=f"What the record should also say; up to {SUPPLEMENT_LONGEST:,} characters.",
    )
    # A number, offered as a list of this call's lines; the service names one that is not this call's.
    corrects = forms.IntegerField(
        required=False,
        min_value=1,
        label="Corrects",
        widget=forms.Select,
        help_text="The chronology entry this supplement corrects, if any.",
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        entries = ChronologyEntry.objects.filter(call=call).order_by("at", "id")
        self.fields["corrects"].widget.choices = [
            ("", "— nothing in particular —"),
            *((e.pk, _entry_label(e)) for e in entries),
        ]
