"""Forms of the three-rates pages: the range and granularity of the rates page (GET), the cases
behind a number (GET), and the note of a hotspot proposal (POST)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import StyledForm

from .reports import DRILL_COUNTERS, GRAINS, MAX_MONTHS, months_between, parse_month


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """An assessment month as YYYY-MM, cleaned to the first day of that month."""

    widget = MonthInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."), code="invalid")
        return month


class RangeMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The last month cannot be before the first."))
            elif months_between(start, end) > MAX_MONTHS:
                self.add_error("end", _("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
        return data


class RatesForm(RangeMixin, StyledForm):
    """The rates page's choices; the place (`at`) is checked against the user's scope by the view."""

    at = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    grain = forms.ChoiceField(label=_("Per"), choices=list(GRAINS.items()), required=False)
    start = MonthField(label=_("From (assessment month)"), required=False)
    end = MonthField(label=_("To (assessment month)"), required=False)


class DrillForm(RangeMixin, StyledForm):
    at = forms.CharField(max_length=80)
    counter = forms.ChoiceField(choices=[(c, c) for c in DRILL_COUNTERS])
    start = MonthField()
    end = MonthField()


class ProposeForm(StyledForm):
    note = forms.CharField(
        label=_("Note for the joint meeting (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the meeting should decide, who should attend."),
    )
