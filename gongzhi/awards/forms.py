"""The awards' forms: a round to open, the town's settings, a nomination, the leadership group's
sending back, the announcement, and the bare version form of the other steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import StyledForm

from .models import AwardKind


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RoundForm(StyledForm):
    kind = forms.ChoiceField(label=gettext_lazy("Award"), choices=AwardKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


class NominateForm(VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("Why nominated"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("What the candidate did this year, as the leadership group will read it."),
    )


class SendBackForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AnnounceForm(VersionForm):
    text = forms.CharField(
        label=gettext_lazy("Announcement (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Shown above the list on the public page."),
    )


class SettingsForm(StyledForm):
    steward_min_score = forms.IntegerField(
        label=gettext_lazy("Good steward: the year's assessment score at least"), min_value=0, max_value=100
    )
    manager_min_score = forms.IntegerField(
        label=gettext_lazy("Good manager: the mean of the year's property-service scores at least"),
        min_value=0,
        max_value=100,
    )
    excellent_min_score = forms.IntegerField(
        label=gettext_lazy("Standard check: the mean of the year's property-service scores at least"),
        min_value=0,
        max_value=100,
    )
    excellent_min_quarters = forms.IntegerField(
        label=gettext_lazy("Standard check: quarters assessed in the year at least"), min_value=1, max_value=4
    )
    excellent_min_grade = forms.ChoiceField(
        label=gettext_lazy("Standard check: credit grade at least (grade mode)"),
        choices=[(g, g) for g in ("AAA", "AA", "A", "B")],
    )
    places = forms.IntegerField(
        label=gettext_lazy("Places per group (good steward, good manager)"), min_value=1, max_value=50
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
