"""Forms of the staff pages of cases: the inbox filters, one small form per action on a case
(each carrying the case's `version`, passed to the service as `expected_version`), the message
form, staff entry of a case (phone, visit, walk-in) and household visits."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import uploads
from gongzhi.core.forms import DateInput, FastSelect, MultipleFileField, StyledForm
from gongzhi.orgs.models import Organization
from gongzhi.orgs.pickers import group_field, serving
from gongzhi.places.models import Building, Compound, Town, Unit
from gongzhi.places.selectors import by_number

from .models import Case, Category, Urgency, Visit
from .workflow import State


class Form(StyledForm):
    """StyledForm with radio buttons styled as Bootstrap check inputs (rendered one by one in
    cases/staff/_field.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"


# --- The inbox -------------------------------------------------------------------------------


def _handler_label():
    """An organisation's choice label, "name · `Organization.kind_label`", from its name, kind and
    owner_representatives, with the kinds' names translated once per form rather than per
    organisation (a town lists a few hundred)."""
    kinds = {value: str(label) for value, label in Organization.Kind.choices}
    owner_representatives = gettext("Owner representatives")

    def label(name: str, kind: str, representatives: bool) -> str:
        return f"{name} · {owner_representatives if representatives else kinds.get(kind, kind)}"

    return label


class _Options(BaseChoiceIterator):
    """A model choice field's options read lazily as (uid, label) values: the empty choice, then
    each record's `uid` and its name (`label(name, kind, owner_representatives)` when given, the
    organisations') — what ModelChoiceIterator would show (the records' __str__ is their name),
    without making a model instance of each."""

    def __init__(self, empty_label, queryset, label=None):
        self.empty_label, self.queryset, self.label = empty_label, queryset, label

    def __iter__(self):
        if self.empty_label is not None:
            yield ("", self.empty_label)
        if self.label is None:
            yield from self.queryset.values_list("uid", "name")
        else:
            for uid, *row in self.queryset.values_list("uid", "name", "kind", "owner_representatives"):
                yield (uid, self.label(*row))

    def __len__(self):
        return (self.empty_label is not None) + self.queryset.count()


class CaseFilterForm(StyledForm):
    """Filters of the case lists (GET). Invalid values are reported and ignored."""

    town = forms.ModelChoiceField(
        label=_("Town"), queryset=Town.objects.none(), required=False, to_field_name="uid", widget=FastSelect
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Number, description or location"), "type": "search"}),
    )
    state = forms.ChoiceField(label=_("State"), required=False, widget=FastSelect)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, to_field_name="uid", widget=FastSelect
    )
    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False, to_field_name="uid", widget=FastSelect
    )
    handler = forms.ModelChoiceField(
        label=_("Handling organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="uid",
        widget=FastSelect,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput())
    submitted_to = forms.DateField(label=_("Submitted to"), required=False, widget=DateInput())

    FILTERS = ("town", "q", "state", "category", "compound", "handler", "overdue", "submitted_from", "submitted_to")
    # The lists of choices narrowed to one town (`show_town`): a user who works in several towns
    # chooses the town first, instead of a page carrying every compound and organisation of a city.
    TOWN_LISTS = ("category", "compound", "handler")

    def __init__(self, *args, categories, compounds, organizations, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if towns is None:
            del self.fields["town"]
        else:
            self.fields["town"].queryset = towns
            self.fields["town"].empty_label = _("All towns")
        self.fields["state"].choices = [("", _("All states")), *State.choices]
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("All categories")
        self.fields["compound"].queryset = compounds
        self.fields["compound"].empty_label = _("All compounds")
        self.fields["handler"].queryset = organizations
        self.fields["handler"].empty_label = _("All organisations")
        self.fields["handler"].label_from_instance = lambda o: f"{o.name} · {o.kind_label}"
        for name in ("town", *self.TOWN_LISTS):
            if name in self.fields:
                self._show(name, self.fields[name].queryset)

    def _show(self, name: str, queryset) -> None:
        """List `queryset` as the options of the field `name`, read as values (its `uid` and its
        label) rather than as records: a town's few hundred compounds and organisations. The
        field's own queryset still decides what a submitted value may be."""
        field = self.fields[name]
        field.widget.choices = _Options(field.empty_label, queryset, _handler_label() if name == "handler" else None)

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end date is before the start date."))
        return data

    def show_town(self, town_id: int | None) -> None:
        """List the choices of the town `town_id` only (none but "all" when None). What a filter
        accepts is unchanged (any choice of the user's towns): only the page's lists are narrowed."""
        for name in self.TOWN_LISTS:
            queryset = self.fields[name].queryset
            self._show(name, queryset.filter(town_id=town_id) if town_id else queryset.none())

    @property
    def active(self) -> bool:
        """Whether any filter was given (the filter panel then stays open)."""
        return any(self.data.get(name) for name in self.FILTERS)


# --- Actions on a case -----------------------------------------------------------------------


class ActionForm(Form):
    """Base of every action: the version of the case the form was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: Case, user=None, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = case.version


class AcceptForm(ActionForm):
    pass


class StartForm(ActionForm):
    pass


class ExplainForm(ActionForm):
    explanation = forms.CharField(
        label=_("Explanation to the resident"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why it cannot be fixed at once, and what will be done. The resident reads this."),
    )
    committed_date = forms.DateField(
        label=_("Committed date"),
        widget=DateInput(),
        help_text=_("The date you commit to; given by the resolve-by date, it becomes the case's deadline."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case
        if case.resolve_overdue or case.resolve_due < timezone.localdate():
            self.fields["committed_date"].help_text = _(
                "The resolve-by date (%(date)s) has passed: the explanation and the date are recorded and the "
                "resident reads them, but the case stays late and does not count as handled in time."
            ) % {"date": case.resolve_due}


class ExtendForm(ActionForm):
    committed_date = forms.DateField(label=_("New committed date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why the date has to move"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The resident reads this. Each extension is recorded and shown with the case's numbers."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.case.committed_date:
            self.fields["committed_date"].help_text = _("Now %(date)s.") % {"date": self.case.committed_date}


class EscalateForm(ActionForm):
    reason = forms.CharField(
        label=_("Why the joint meeting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which organisations are involved and what needs deciding."),
    )


class PhotoFilesField(MultipleFileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("accept", "image/jpeg,image/png,image/webp")
        super().__init__(*args, **kwargs)


class PhotosMixin:
    """A form's `photos` (JPEG, PNG or WebP, checked and re-encoded by core.uploads)."""

    def setup_photos(self):
        self.fields["photos"].help_text = gettext("Up to %(n)s JPEG, PNG or WebP pictures, %(mb)s MB each.") % {
            "n": uploads.MAX_PHOTOS,
            "mb": uploads.MAX_BYTES // 2**20,
        }

    def clean_photos(self):
        try:
            return uploads.clean_photos(self.cleaned_data.get("photos") or [])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class ResolveForm(PhotosMixin, ActionForm):
    resolution = forms.CharField(
        label=_("How it was resolved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident reads this and is asked whether it is fixed."),
    )
    photos = PhotoFilesField(label=_("Photos after the work"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_photos()


class RejectForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the case is not taken up; the resident reads it."),
    )


class MergeForm(ActionForm):
    number = forms.CharField(
        label=_("Number of the case it duplicates"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2611-0001", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        other = (
            Case.objects.for_user(self.user)
            .filter(town_id=self.case.town_id, number=number)
            .exclude(pk=self.case.pk)
            .first()
        )
        if other is None:
            raise ValidationError(_("No other case with this number in your cases of the town."))
        self.other = other
        return number


class CallbackForm(ActionForm):
    """The residents' committee's callback (回访): the resident's answer, or not reachable."""

    FIXED, NOT_FIXED, UNREACHABLE = "fixed", "not_fixed", "unreachable"
    outcome = forms.ChoiceField(
        label=_("Result of the call"),
        widget=forms.RadioSelect,
        choices=[
            (FIXED, _("Fixed, says the resident")),
            (NOT_FIXED, _("Not fixed: reopen the case")),
            (UNREACHABLE, _("Resident not reachable: close the case")),
        ],
    )
    rating = forms.ChoiceField(label=_("Rating"), widget=forms.RadioSelect, choices=Case.Rating.choices, required=False)
    comment = forms.CharField(
        label=_("Comment or note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The resident's words; or, if not reachable, how you tried to reach them."),
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in (self.FIXED, self.NOT_FIXED) and not data.get("rating"):
            self.add_error("rating", _("Choose 满意, 基本满意 or 不满意."))
        if outcome == self.UNREACHABLE and len((data.get("comment") or "").strip()) < 2:
            self.add_error("comment", _("Say how you tried to reach the resident."))
        return data


class ReassignForm(ActionForm):
    organization = forms.ModelChoiceField(
        label=_("Give the case to"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        group_field(self.fields["organization"], handler_candidates(self.case), [self.case.neighborhood_id])


class CoHandlersForm(ActionForm):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Co-handling organisations"),
        queryset=Organization.objects.none(),
        to_field_name="uid",
        required=False,
        help_text=_("Other organisations that work on the case with the handler. Leave empty for none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organizations"]
        group_field(field, handler_candidates(self.case), [self.case.neighborhood_id])
        field.widget.attrs["size"] = 8
        if not self.is_bound:
            field.initial = [o.uid for o in self.case.co_handlers.all()]


def handler_candidates(case: Case):
    """Who may take a case on or help with it: the organisations serving its compound and the
    town's government units (orgs.pickers.serving), but the handler."""
    return serving(case.town_id, [case.compound_id]).exclude(pk=case.handler_id)


ACTION_FORMS = {
    "accept": AcceptForm,
    "start": StartForm,
    "explain": ExplainForm,
    "extend": ExtendForm,
    "escalate": EscalateForm,
    "resolve": ResolveForm,
    "reject": RejectForm,
    "merge": MergeForm,
    "callback": CallbackForm,
    "reassign": ReassignForm,
    "co_handlers": CoHandlersForm,
}


class MessageForm(StyledForm):
    text = forms.CharField(
        label=_("Message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident sees this on their tracking page and gets it by text message."),
    )


# --- Staff entry -----------------------------------------------------------------------------


class CompoundChoiceForm(StyledForm):
    """Step one of entry and visit forms: which compound (GET)."""

    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), to_field_name="uid", empty_label=None
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["compound"].label_from_instance = lambda c: f"{c.name} · {c.neighborhood.name}"


class PlaceMixin:
    """Building (a select of the compound's buildings) and unit number (looked up in it)."""

    def setup_place(self, compound: Compound):
        self.compound = compound
        buildings = by_number(Building.objects.filter(compound=compound))
        self.buildings = {b.uid: b for b in buildings}
        self.fields["building"].choices = [("", _("— none —")), *[(b.uid, b.number) for b in buildings]]

    def clean_place(self, data) -> None:
        building = self.buildings.get(data.get("building") or "")
        number = (data.get("unit_number") or "").strip()
        unit = None
        if number:
            units = Unit.objects.filter(compound=self.compound, number=number)
            if building is not None:
                units = units.filter(building=building)
            found = list(units[:2])
            if not found:
                self.add_error("unit_number", _("No unit with this number in the chosen building of the compound."))
            elif len(found) > 1:
                self.add_error("unit_number", _("Several buildings have a unit with this number: choose the building."))
            else:
                unit = found[0]
                building = building or unit.building
        data["building_obj"] = building
        data["unit_obj"] = unit


class CaseEntryForm(PhotosMixin, PlaceMixin, Form):
    """A case entered by staff for a resident: phone call, household visit or walk-in."""

    channel = forms.ChoiceField(label=_("How the resident reported it"), widget=forms.RadioSelect)
    visit = forms.ChoiceField(label=_("Household visit"), required=False)
    visit_household = forms.CharField(
        label=_("Household visited"),
        required=False,
        max_length=100,
        help_text=_("For a new visit: who was visited, if not the unit below (e.g. 王阿姨家)."),
    )
    visit_notes = forms.CharField(
        label=_("Visit notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    building = forms.ChoiceField(label=_("Building"), required=False)
    unit_number = forms.CharField(
        label=_("Unit number"), required=False, max_length=20, widget=forms.TextInput(attrs={"placeholder": "1201"})
    )
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=200,
        help_text=_("Where exactly, if not a unit: e.g. the east gate, the fire lane behind 5号楼."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), to_field_name="uid")
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=50)
    reporter_phone = forms.CharField(
        label=_("Reporter's mobile number"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "13812345678"}),
        help_text=_("The resident is told by text message how the case goes."),
    )
    hide_identity = forms.BooleanField(
        label=_("The resident asks to keep their name and number from the handling organisation"), required=False
    )
    photos = PhotoFilesField(label=_("Photos"))

    NEW_VISIT = "new"

    def __init__(self, *args, compound: Compound, categories, visits, can_log_visit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(compound)
        self.setup_photos()
        self.fields["category"].queryset = categories.filter(town_id=compound.town_id)
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} · {c.name}" if c.parent_id else c.name
        channels = [Case.Channel.PHONE, Case.Channel.WALK_IN]
        self.visits = {v.uid: v for v in visits}
        self.can_log_visit = can_log_visit
        if self.visits or can_log_visit:
            channels.insert(1, Case.Channel.VISIT)
        self.fields["channel"].choices = [(c.value, c.label) for c in channels]
        visit_choices = [(v.uid, visit_label(v)) for v in visits]
        if can_log_visit:
            visit_choices.append((self.NEW_VISIT, gettext("Log a new visit now (today)")))
        self.fields["visit"].choices = visit_choices
        if not self.visits and not can_log_visit:
            for name in ("visit", "visit_household", "visit_notes"):
                del self.fields[name]

    @property
    def visit_fields(self):
        return [self[name] for name in ("visit", "visit_household", "visit_notes") if name in self.fields]

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        data["visit_obj"] = None
        data["new_visit"] = False
        if data.get("channel") == Case.Channel.VISIT:
            choice = data.get("visit") or ""
            if choice == self.NEW_VISIT and self.can_log_visit:
                data["new_visit"] = True
            elif choice in self.visits:
                data["visit_obj"] = self.visits[choice]
            else:
                self.add_error("visit", _("Choose the household visit, or log a new one."))
        return data


def visit_label(visit: Visit) -> str:
    who = visit.household or (str(visit.unit) if visit.unit_id else "")
    return " · ".join(part for part in (visit.visited_on.isoformat(), visit.compound.name, who) if part)


# --- Household visits ------------------------------------------------------------------------


class VisitForm(PlaceMixin, StyledForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    building = forms.ChoiceField(label=_("Building"), required=False)
    unit_number = forms.CharField(label=_("Unit number"), required=False, max_length=20)
    household = forms.CharField(
        label=_("Household"), required=False, max_length=100, help_text=_("Who was visited, if not a recorded unit.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(compound)
        if not self.is_bound:
            self.fields["visited_on"].initial = timezone.localdate()

    def clean_visited_on(self) -> date:
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError(_("A visit cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        if not data.get("unit_obj") and not (data.get("household") or "").strip():
            self.add_error("household", _("Give the unit or say which household was visited."))
        return data


class VisitFilterForm(StyledForm):
    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False, to_field_name="uid"
    )
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["compound"].empty_label = _("All compounds")

    def clean_month(self) -> date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-05.")) from None
