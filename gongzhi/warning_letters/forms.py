"""The warning letters' forms: a draft by hand and the office's steps (approve, discard, verify,
escalate), the addressee's acknowledgement and answer, the town's templates and settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import StyledForm
from gongzhi.core.uploads import FilesField
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound

from .models import Level, Measure


class DraftForm(StyledForm):
    addressee = forms.ModelChoiceField(
        label=gettext_lazy("Addressee"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    compound = forms.ModelChoiceField(
        label=gettext_lazy("Compound"),
        queryset=Compound.objects.none(),
        to_field_name="uid",
        required=False,
        help_text=gettext_lazy("Where the problem is (optional); the inspection group covering it sees the letter."),
    )
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Level.choices)
    measures = forms.MultipleChoiceField(
        label=gettext_lazy("Measures (for a measures letter)"),
        choices=Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cause_text = forms.CharField(
        label=gettext_lazy("Cause"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=gettext_lazy("What happened, as the letter will say after “经查，”."),
    )

    def __init__(self, *args, addressees, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = addressees
        self.fields["compound"].queryset = compounds
        self.fields["addressee"].label_from_instance = lambda o: f"{o.name} · {o.kind_label}"


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(VersionForm):
    measures = forms.MultipleChoiceField(
        label=gettext_lazy("Measures"), choices=Measure.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class VerifyForm(VersionForm):
    note = forms.CharField(
        label=gettext_lazy("What the verification found"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AnswerForm(VersionForm):
    text = forms.CharField(
        label=gettext_lazy("What was rectified"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    evidence = FilesField(label=gettext_lazy("Evidence (photos or documents)"))


class TemplateForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=50)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 16}), max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SettingsForm(StyledForm):
    enabled_triggers = forms.MultipleChoiceField(
        label=gettext_lazy("Triggers that draft letters"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notice_days = forms.IntegerField(
        label=gettext_lazy("Notice letter: rectify within (working days)"), min_value=1, max_value=60
    )
    warning_days = forms.IntegerField(
        label=gettext_lazy("Warning letter: rectify within (working days)"), min_value=1, max_value=60
    )
    measures_days = forms.IntegerField(
        label=gettext_lazy("Measures: rectify within (working days)"), min_value=1, max_value=60
    )
    repeat_quarters = forms.IntegerField(
        label=gettext_lazy("The same problem again within (quarters) drafts the next level"),
        min_value=0,
        max_value=8,
        help_text=gettext_lazy("This quarter and the ones before it; 0: off."),
    )
    overdue_cases_min = forms.IntegerField(
        label=gettext_lazy("Overdue cases: open cases past their resolve-by date, at least"),
        min_value=1,
        max_value=1000,
    )
    score_below = forms.IntegerField(label=gettext_lazy("Inspection score below"), min_value=0, max_value=100)
    complaints_min = forms.IntegerField(
        label=gettext_lazy("Repeated complaints: cases rated unsatisfied or reopened, at least"),
        min_value=1,
        max_value=1000,
    )
    complaints_days = forms.IntegerField(
        label=gettext_lazy("Repeated complaints: within (days)"), min_value=1, max_value=366
    )
    lookback_days = forms.IntegerField(
        label=gettext_lazy("Look at inspections and contrary actions of the last (days)"), min_value=1, max_value=366
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, triggers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_triggers"].choices = [(t.code, t.label) for t in triggers]
