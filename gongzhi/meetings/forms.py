"""Forms of the joint-meeting pages. They check what a form can; the services check the rest
(and are the only writers)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.cases.models import Case
from gongzhi.core.forms import DateInput, DateTimeInput, StyledForm, VersionedModelForm
from gongzhi.core.uploads import FilesField
from gongzhi.orgs.models import Organization, Person
from gongzhi.orgs.pickers import group_field
from gongzhi.places.models import Compound, Neighborhood

from .models import Invitee, MatterKind, Meeting, MeetingSettings, Position, Vote


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingForm(StyledForm):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=100)
    form = forms.TypedChoiceField(
        label=_("Held as"),
        choices=Meeting.Form.choices,
        initial=Meeting.Form.JOINT,
        required=False,
        empty_value=Meeting.Form.JOINT,  # left out: the four parties' joint meeting
        help_text=_("The same agenda, minutes and counting either way."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class NewMeetingForm(MeetingForm):
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"), queryset=Neighborhood.objects.none(), to_field_name="uid", empty_label=None
    )
    field_order = ["neighborhood", "title", "form", "starts_at", "place"]

    def __init__(self, *args, neighborhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighborhood"].queryset = neighborhoods


class RescheduleForm(MeetingForm, VersionForm):
    pass


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class ChairForm(VersionForm):
    person = forms.ModelChoiceField(label=_("Chair"), queryset=Person.objects.none(), to_field_name="uid")
    note = forms.CharField(label=_("Why this chair"), max_length=200)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class InviteeForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    role = forms.CharField(label=pgettext_lazy("job", "Title"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), to_field_name="uid", required=False
    )
    voting = forms.BooleanField(label=_("May vote"), required=False)

    def __init__(self, *args, organizations, neighborhood_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        group_field(self.fields["organization"], organizations, [neighborhood_id])


class AttendanceForm(VersionForm):
    """One status (and, when represented, by whom) per invitee: fields status_<id>, by_<id>."""

    ALL_PRESENT = "all_present"  # the second button: everyone present (the chair corrects afterwards)

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        if self.is_bound and self.ALL_PRESENT in self.data:
            data = self.data.copy()
            for invitee in self.invitees:
                data[f"status_{invitee.pk}"] = Invitee.Attendance.PRESENT
                data[f"by_{invitee.pk}"] = ""
            self.data = data
        choices = [(v, label) for v, label in Invitee.Attendance.choices if v != Invitee.Attendance.UNKNOWN]
        for invitee in self.invitees:
            self.fields[f"status_{invitee.pk}"] = forms.ChoiceField(
                label=invitee.name,
                choices=[("", "—"), *choices],
                required=True,
                initial=None if invitee.attendance == Invitee.Attendance.UNKNOWN else invitee.attendance,
                error_messages={"required": _("Mark each person present, absent or represented.")},
            )
            self.fields[f"by_{invitee.pk}"] = forms.CharField(
                label=_("Represented by"), max_length=50, required=False, initial=invitee.represented_by
            )

    def rows(self):
        for invitee in self.invitees:
            yield invitee, self[f"status_{invitee.pk}"], self[f"by_{invitee.pk}"]

    def marks(self) -> dict[int, tuple[str, str]]:
        return {
            i.pk: (self.cleaned_data[f"status_{i.pk}"], self.cleaned_data.get(f"by_{i.pk}", "")) for i in self.invitees
        }


class ItemForm(StyledForm):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("matter", "Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    major_kind = forms.ModelChoiceField(
        label=_("Major matter"),
        queryset=MatterKind.objects.none(),
        to_field_name="uid",
        required=False,
        empty_label=_("No: an ordinary item"),
        help_text=_(
            "Major matters need every party's position before the vote, the larger majority of the town's rules "
            "(two thirds by default) and a written notice to residents."
        ),
    )

    def __init__(self, *args, town_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["major_kind"].queryset = MatterKind.objects.filter(town_id=town_id, retired=False)


class ProposeForm(ItemForm):
    compound = forms.ModelChoiceField(
        label=_("Compound"),
        queryset=Compound.objects.none(),
        to_field_name="uid",
        required=False,
        empty_label=_("The whole neighborhood"),
    )
    proposer = forms.ModelChoiceField(
        label=_("Proposed by"), queryset=Organization.objects.none(), to_field_name="uid", required=False
    )
    files = FilesField(label=_("Materials"))

    def __init__(self, *args, neighborhood, parties, **kwargs):
        super().__init__(*args, town_id=neighborhood.town_id, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(neighborhood=neighborhood).order_by("code")
        self.fields["proposer"].queryset = Organization.objects.filter(pk__in=[p.pk for p in parties])
        if len(parties) == 1:
            self.fields["proposer"].initial = parties[0].uid
            self.fields["proposer"].empty_label = None


class EditItemForm(ItemForm, VersionForm):
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)


class MaterialsForm(StyledForm):
    files = FilesField(label=_("Materials"), required=True)


class PositionForm(StyledForm):
    organization = forms.ModelChoiceField(
        label=_("Party"), queryset=Organization.objects.none(), to_field_name="uid", empty_label=None
    )
    stance = forms.ChoiceField(
        label=pgettext_lazy("stance", "Position"), choices=Position.Stance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Reasons and conditions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[p.pk for p in parties])


class NotesForm(VersionForm):
    notes = forms.CharField(
        label=_("Discussion notes"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class OutcomeForm(VersionForm):
    outcome = forms.CharField(label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(StyledForm):
    invitee = forms.ModelChoiceField(queryset=Invitee.objects.none(), to_field_name="uid", widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=Vote.Choice.choices, widget=forms.HiddenInput)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitee"].queryset = meeting.invitees.all()


class CarryOutForm(StyledForm):
    """Who carries a decision out and by when: the lead organisation, the assisting ones, the due
    date (a joint meeting's resolution, a residents' congress's task). The pickers list the
    neighborhood's four parties first (orgs.pickers)."""

    text = forms.CharField(label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    co_organizations = forms.ModelMultipleChoiceField(
        label=_("Assisting organisations"),
        queryset=Organization.objects.none(),
        to_field_name="uid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due = forms.DateField(label=_("Due"), widget=DateInput)

    def group_organizations(self, organizations, neighborhood_ids, notes=None) -> None:
        self.fields["co_organizations"].widget.attrs = {}
        group_field(self.fields["lead"], organizations, neighborhood_ids, notes)
        group_field(self.fields["co_organizations"], organizations, neighborhood_ids, notes)


class ResolutionForm(CarryOutForm):
    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # Suggested from the record: each party's position on the item beside its name; the
        # proposer leads unless the chair chooses otherwise.
        notes = {
            p.organization_id: _("position: %(stance)s") % {"stance": p.get_stance_display()}
            for p in item.positions.all()
        }
        organizations = Organization.objects.filter(town_id=item.town_id)
        self.group_organizations(organizations, [item.meeting.neighborhood_id], notes)
        if not self.is_bound and item.proposer_id:
            self.fields["lead"].initial = item.proposer.uid


class ProgressForm(StyledForm):
    """Progress on a resolution; "carried out in full" only for the lead organisation (an assisting
    one is not shown the box)."""

    text = forms.CharField(label=_("Progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("Carried out in full (lead organisation)"), required=False)
    files = FilesField(label=_("Evidence"))

    def __init__(self, *args, lead: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        if not lead:
            self.fields["done"].widget = forms.HiddenInput()

    def clean_done(self):
        done = self.cleaned_data.get("done")
        if done and not self.lead:
            raise forms.ValidationError(
                _("Only the lead organisation reports the resolution carried out in full; report your part.")
            )
        return done


class CheckForm(VersionForm):
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[("close", _("Done: close the resolution")), ("send_back", _("Not yet done: back to work"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What the check found"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ContraryForm(StyledForm):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    occurred_on = forms.DateField(label=_("Date it happened"), widget=DateInput)
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations, neighborhood_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        group_field(self.fields["organization"], organizations, [neighborhood_id])

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class MinutesForm(VersionForm):
    text = forms.CharField(label=_("Minutes"), max_length=100000, widget=forms.Textarea(attrs={"rows": 24}))


class ReviseForm(StyledForm):
    note = forms.CharField(label=_("What needs changing"), max_length=200)


class RatingForm(StyledForm):
    invitee = forms.ModelChoiceField(label=_("Attendee"), queryset=Invitee.objects.none(), to_field_name="uid")
    rating = forms.ChoiceField(label=_("Rating"), choices=Case.Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitee"].queryset = invitees


class SettingsForm(VersionedModelForm):
    class Meta:
        model = MeetingSettings
        fields = [
            "regular_working_day",
            "regular_time",
            "ordinary_share",
            "major_share",
            "major_needs_all_parties",
            "quorum_share",
            "annual_report_month",
            "resolution_reminder_days",
        ]
        widgets = {"regular_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class KindForm(StyledForm):
    name = forms.CharField(label=_("New kind of major matter"), max_length=50)


class AnnualReportDraftForm(VersionForm):
    """The annual report as its reporter writes it: kept as a draft (nothing required) or
    submitted (the service then requires service and management), with files."""

    service = forms.CharField(
        label=_("Service"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    management = forms.CharField(
        label=_("Management"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    rectification = forms.CharField(
        label=_("Rectification"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    other = forms.CharField(
        label=_("Other work"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = FilesField(label=_("Attachments"))


class DeputyForm(VersionForm):
    """Whom the compound manager (or the company's head) names to report instead; empty takes
    the naming back."""

    deputy = forms.ModelChoiceField(
        label=pgettext_lazy("annual report", "Deputy"),
        queryset=Person.objects.none(),
        to_field_name="uid",
        required=False,
        empty_label=_("Nobody: the manager reports"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = people


class ReportFileForm(VersionForm):
    file = forms.CharField(widget=forms.HiddenInput, max_length=12)


class CongressTaskForm(CarryOutForm):
    """A task the residents' congress set (社区居民代表会议): which congress, what, who leads (the
    residents' committee by default), who assists, by when."""

    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"), queryset=Neighborhood.objects.none(), to_field_name="uid", empty_label=None
    )
    held_on = forms.DateField(label=_("Congress held on"), widget=DateInput)
    title = forms.CharField(
        label=_("Congress"), max_length=100, required=False, help_text=_("For example 2026年第二次居民代表会议.")
    )
    field_order = ["neighborhood", "held_on", "title", "text", "lead", "co_organizations", "due"]

    def __init__(self, *args, neighborhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Task")
        self.fields["lead"].required = False
        self.fields["lead"].help_text = _("Left empty: the residents' committee.")
        self.fields["neighborhood"].queryset = neighborhoods
        organizations = Organization.objects.filter(town_id__in=neighborhoods.values("town_id")).exclude(
            kind=Organization.Kind.DEVELOPER
        )
        self.group_organizations(organizations, list(neighborhoods.values_list("pk", flat=True)))
