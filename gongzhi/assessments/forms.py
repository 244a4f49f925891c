"""The assessments' forms: a cycle to open, a scheme's text lines, a cycle's step, a score by
hand, an objection, the office's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import FastSelect, StyledForm
from gongzhi.core.uploads import FilesField

from .models import PeriodKind, Scheme


class OpenCycleForm(StyledForm):
    scheme = forms.ModelChoiceField(
        label=gettext_lazy("Scheme"), queryset=Scheme.objects.none(), to_field_name="uid", widget=FastSelect
    )
    period = forms.CharField(
        label=gettext_lazy("Assessment period"), max_length=8,
        help_text=gettext_lazy("2026Q3 for a quarter, 2026H1 for a half-year, 2026 for a year."),
    )  # fmt: skip

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class SchemeForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    period_kind = forms.ChoiceField(label=gettext_lazy("How often"), choices=PeriodKind.choices)
    total_weight = forms.IntegerField(label=gettext_lazy("The indicators' points add up to"), min_value=1,
                                      max_value=1000)  # fmt: skip
    indicators = forms.CharField(
        label=gettext_lazy("Indicators"), widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        max_length=20000,
        help_text=gettext_lazy(
            "One a line: section | indicator | points | rule. The rule is manual, formula <figure> <low> <high> "
            "(0 points at low, all at high) or deductions <figure> <points per event> <cap>."
        ),
    )  # fmt: skip
    bands = forms.CharField(
        label=gettext_lazy("Grade bands"), widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        max_length=2000,
        help_text=gettext_lazy("One a line: grade | from score | fee % (property service) | fail (a failing band)."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DraftsForm(VersionForm):
    days = forms.IntegerField(label=gettext_lazy("Objection window (working days)"), min_value=1, max_value=30,
                              initial=5)  # fmt: skip


class ScoreForm(StyledForm):
    points = forms.DecimalField(label=gettext_lazy("Points"), max_digits=5, decimal_places=1, min_value=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ObjectionForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("What is wrong with the draft"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)  # fmt: skip
    evidence = FilesField(label=gettext_lazy("Evidence"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)  # fmt: skip
    score = forms.TypedChoiceField(label=gettext_lazy("Change the points of"), required=False, coerce=int,
                                   empty_value=None)  # fmt: skip
    points = forms.DecimalField(label=gettext_lazy("New points"), required=False, max_digits=5, decimal_places=1,
                                min_value=0)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [("", gettext_lazy("— no change: the draft stands —"))] + [
            (s.pk, f"{s.indicator.section} · {s.indicator.text}") for s in scores
        ]

    def clean(self):
        data = super().clean()
        if data.get("score") is not None and data.get("points") is None:
            self.add_error("points", gettext_lazy("Give the new points."))
        return data
