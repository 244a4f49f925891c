"""The evaluation reports' forms: a new report, a section's text, the leadership group's sending
back, a new version's reason, the distribution list, and the bare version form of the other steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import StyledForm
from gongzhi.orgs.models import Organization

from .models import ReportKind


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NewReportForm(StyledForm):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=6,
        help_text=gettext_lazy("A quarter like 2026Q3 for a quarterly report, a year like 2026 otherwise."),
    )


class SectionForm(VersionForm):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NewVersionForm(VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("What the new version corrects"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class RecipientsForm(VersionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    recipients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Recipients"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, town=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .recipients import _ordered

        self.fields["recipients"].queryset = Organization.objects.filter(town=town)
        self.fields["recipients"].choices = [
            (o.pk, f"{o.name}（{o.get_kind_display()}）") for o in _ordered(Organization.objects.filter(town=town))
        ]
