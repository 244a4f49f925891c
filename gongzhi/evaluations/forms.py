"""Forms of the quarterly evaluation's pages; the services check the rest."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import DateInput, StyledForm
from gongzhi.core.uploads import ACCEPT
from gongzhi.orgs.models import Organization
from gongzhi.orgs.pickers import group_field

from .models import ParticipantCategory

NAME_SEPARATORS = re.compile(r"[\n,，、;；]+")


class OpenQuarterForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, _("Quarter %(n)s") % {"n": q}) for q in (1, 2, 3, 4)]
    )
    reports_due = forms.DateField(
        label=_("The parties' reports are due on"),
        widget=DateInput,
        help_text=_("The four parties of every neighborhood are told now and reminded three working days before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["year"].initial = today.year
            self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class ReportForm(StyledForm):
    organization = forms.ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organization.objects.none(), to_field_name="uid", empty_label=None
    )
    text = forms.CharField(
        label=_("Report"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What your organisation did this quarter, problems met and plans. Or attach it below."),
    )
    file = forms.FileField(
        label=_("Report as a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, Word, Excel, PowerPoint, JPEG or PNG; up to 10 MB. A submitted report is final."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ForumForm(StyledForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in ParticipantCategory:
            self.fields[f"p_{category.value}"] = forms.CharField(
                label=category.label,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                help_text=_("Names, separated by commas or one per line."),
            )
        if not self.is_bound:
            self.fields["held_on"].initial = timezone.localdate()

    def participants(self) -> list[tuple[str, str, None]]:
        rows = []
        for category in ParticipantCategory:
            text = self.cleaned_data.get(f"p_{category.value}") or ""
            rows += [(name.strip(), category.value, None) for name in NAME_SEPARATORS.split(text) if name.strip()]
        return rows


class OpinionForm(StyledForm):
    text = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    organization = forms.ModelChoiceField(
        label=_("Concerns"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    asks_for_action = forms.BooleanField(
        label=_("Asks for action (to follow up)"),
        required=False,
        help_text=_("An opinion asking for action is followed up like an inspection finding."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organizations, neighborhood_id, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        group_field(self.fields["organization"], organizations, [neighborhood_id])
        self.fields["version"].required = editing  # a missing version is an error, not "current"


class VersionForm(StyledForm):
    """Only the version the page was opened on (closing a quarter)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
