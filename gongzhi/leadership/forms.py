"""Forms of the leadership group's meeting pages. They check what a form can; the services check
the rest (and are the only writers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.forms import DateTimeInput, StyledForm
from gongzhi.meetings.forms import CarryOutForm, VersionForm
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Neighborhood

from .models import Attendance, Item
from .services import CHECK_DECISIONS, REPORT_DECISIONS
from .workflow import ItemOutcome


class MeetingForm(StyledForm):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Why"), max_length=200)


class MinutesForm(VersionForm):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the meeting heard and decided; the conclusions and decisions below are kept with it."),
    )


class OtherItemForm(StyledForm):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AddRecordForm(StyledForm):
    """One suggested record put on the agenda (its kind and code come from the button)."""

    source = forms.ChoiceField(choices=[(s, s) for s in Item.Source.values], widget=forms.HiddenInput)
    record = forms.CharField(max_length=12, required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class AttendanceForm(VersionForm):
    """One line per member unit: present (who came), absent, absent with leave."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        choices = [(s, label) for s, label in Attendance.Status.choices if s != Attendance.Status.UNKNOWN]
        for row in self.rows:
            self.fields[f"status_{row.pk}"] = forms.ChoiceField(
                label=row.label,
                choices=[("", "—"), *choices],
                required=False,
                initial=row.status if row.status != Attendance.Status.UNKNOWN else "",
            )
            self.fields[f"who_{row.pk}"] = forms.CharField(
                label=_("Who attended"), max_length=50, required=False, initial=row.attendee
            )

    def lines(self):
        return [(row, self[f"status_{row.pk}"], self[f"who_{row.pk}"]) for row in self.rows]

    def answers(self) -> dict[int, tuple[str, str]]:
        out = {}
        for row in self.rows:
            status = self.cleaned_data.get(f"status_{row.pk}") or ""
            if status:
                out[row.pk] = (status, self.cleaned_data.get(f"who_{row.pk}") or "")
        return out


class ConcludeForm(VersionForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(ItemOutcome.CONCLUDED, _("Concluded")), (ItemOutcome.DEFERRED, _("Deferred to a later meeting"))],
        widget=forms.RadioSelect,
        initial=ItemOutcome.CONCLUDED,
    )
    decision = forms.ChoiceField(label=_("Decision"), required=False, widget=forms.RadioSelect, choices=[])
    conclusion = forms.CharField(label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    REPORT_CHOICES = {
        "approve": _("Approve the report (it is frozen)"),
        "send_back": _("Send it back to the office"),
        "": _("Heard, no decision on it"),
    }
    CHECK_CHOICES = {
        "close": _("Carried out: close the decision"),
        "send_back": _("Not yet done: back to work"),
        "": _("Heard, no check"),
    }

    def __init__(self, *args, item, decides_reports: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if item.source == Item.Source.REPORT and decides_reports:
            self.fields["decision"].choices = [(k, self.REPORT_CHOICES[k]) for k in REPORT_DECISIONS]
            self.fields["decision"].initial = ""
        elif item.source == Item.Source.FOLLOW_UP:
            self.fields["decision"].choices = [(k, self.CHECK_CHOICES[k]) for k in CHECK_DECISIONS]
            self.fields["decision"].initial = ""
        else:
            del self.fields["decision"]


class DecisionForm(CarryOutForm):
    """A decision assigned to a unit: what, who leads (the member units' organisations first), who
    assists, by when, and the neighborhood it concerns if any."""

    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood concerned"),
        queryset=Neighborhood.objects.none(),
        to_field_name="uid",
        required=False,
        empty_label=_("The whole town"),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Decision")
        organizations = Organization.objects.filter(town_id=meeting.town_id).exclude(kind=Organization.Kind.DEVELOPER)
        units = {a.organization_id: a.label for a in meeting.attendance.all() if a.organization_id}
        notes = {pk: _("member unit") for pk in units}
        self.group_organizations(organizations, [], notes)
        self.fields["neighborhood"].queryset = Neighborhood.objects.filter(town_id=meeting.town_id).order_by("code")
