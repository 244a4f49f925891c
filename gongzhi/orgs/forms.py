"""Forms of the orgs pages. The services validate every record (their ValidationErrors land on
the form through `apply_service`); the forms only parse input and choose among what the user
may pick."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from gongzhi.core.forms import DateInput, StyledForm, VersionedModelForm
from gongzhi.core.phones import normalise_phone
from gongzhi.places.models import Compound, Neighborhood, Town

from .models import Body, Duty, Membership, Organization, Person, Residency, ServiceContract


class ServiceValidatedForm(VersionedModelForm):
    """A model form whose record is validated by its service, not by the form: the form neither
    builds nor checks the model instance (so the service's messages, which explain wrong
    combinations in words, are the ones shown, and a failed submission leaves the displayed
    record untouched)."""

    def _post_clean(self):
        pass


class TownFieldMixin:
    """Creating: the town is chosen among those the user manages (hidden when there is one)."""

    def setup_town(self, towns):
        if towns is None:
            del self.fields["town"]
            return
        self.fields["town"].queryset = towns
        self.fields["town"].required = True
        if len(towns) == 1:
            self.fields["town"].initial = towns[0]
            self.fields["town"].widget = forms.HiddenInput()


def _town_field():

    return forms.ModelChoiceField(label=_("Town"), queryset=Town.objects.all(), required=False)


class CompoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.neighborhood.name} · {obj.name}"


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.kind_label})"


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# --- Filters ---------------------------------------------------------------------------------


class OrganizationFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organization.Kind.choices]
    )


class PersonFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    term = forms.ChoiceField(
        label=_("Term of office"),
        required=False,
        choices=[
            ("", _("Any")),
            ("ending", _("Ending within 30 days")),
        ],
    )

    def __init__(self, *args, can_search_phone=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = (
            _("Name or mobile number") if can_search_phone else pgettext("person", "Name")
        )


class ContractFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Company or compound")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All contracts")),
            ("current", _("Current")),
            ("ended", _("Ended")),
        ],
    )
    ending = forms.ChoiceField(
        label=_("End date"),
        required=False,
        choices=[
            ("", _("Any")),
            ("soon", _("Ending within 60 days")),
        ],
    )


# --- Organisations ---------------------------------------------------------------------------


class OrganizationForm(TownFieldMixin, ServiceValidatedForm):
    town = _town_field()
    compound = CompoundChoiceField(label=_("Compound"), queryset=Compound.objects.none(), required=False)

    class Meta:
        model = Organization
        fields = ["kind", "code", "name", "neighborhood", "compound", "owner_representatives", "phone", "address"]
        help_texts = {
            "kind": _(
                "A party organisation or residents' committee belongs to a neighborhood, an owners' "
                "committee (or the owner representatives) to a compound; property companies, developers and "
                "government units have no place."
            ),
        }

    def __init__(self, *args, towns=None, neighborhoods=None, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_town(towns)
        self.fields["neighborhood"].queryset = neighborhoods
        self.fields["neighborhood"].help_text = _("For a party organisation or a residents' committee.")
        self.fields["compound"].queryset = compounds.select_related("neighborhood")
        self.fields["compound"].help_text = _("For an owners' committee.")
        if self.instance.pk and not self.is_bound:
            self.fields["compound"].initial = self.instance.compound_id

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # The kind decides which place applies; a place chosen for another kind is dropped.
        if kind in Organization.NEIGHBORHOOD_KINDS:
            data["compound"] = None
        elif kind == Organization.Kind.OWNERS_COMMITTEE:
            data["neighborhood"] = None
        elif kind:
            data["neighborhood"] = data["compound"] = None
        if kind != Organization.Kind.OWNERS_COMMITTEE:
            data["owner_representatives"] = False
        others = Organization.objects.exclude(pk=self.instance.pk) if self.instance.pk else Organization.objects.all()
        if (
            kind in Organization.NEIGHBORHOOD_KINDS
            and data.get("neighborhood")
            and others.filter(neighborhood=data["neighborhood"], kind=kind).exists()
        ):
            self.add_error("neighborhood", _("This neighborhood already has an organisation of this kind."))
        if (
            kind == Organization.Kind.OWNERS_COMMITTEE
            and data.get("compound")
            and others.filter(compound=data["compound"], kind=kind).exists()
        ):
            self.add_error("compound", _("This compound already has an owners' committee."))
        return data


# --- Bodies ----------------------------------------------------------------------------------


class BodyForm(ServiceValidatedForm):
    class Meta:
        model = Body
        fields = ["name", "seat", "tasks"]
        widgets = {"tasks": forms.Textarea(attrs={"rows": 5})}


class MemberUnitForm(StyledForm):
    label = forms.CharField(
        label=_("Member unit"), max_length=100, help_text=_("As the founding document names it, e.g. 区房地局房管办.")
    )
    organization = OrganizationChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The organisation this unit stands for, if it is recorded."),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CoverageForm(StyledForm):
    neighborhood = forms.ModelChoiceField(label=_("Neighborhood"), queryset=Neighborhood.objects.none(), required=False)
    compound = CompoundChoiceField(
        label=_("Compound"),
        queryset=Compound.objects.none(),
        required=False,
        help_text=_("Choose either a whole neighborhood or a single compound."),
    )

    def __init__(self, *args, neighborhoods=None, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighborhood"].queryset = neighborhoods
        self.fields["compound"].queryset = compounds.select_related("neighborhood")


class InspectionOverlapForm(ServiceValidatedForm):
    """The town's rules: inspection groups' overlaps, and the staff sign-in's second factor."""

    class Meta:
        model = Town
        fields = ["inspection_groups_may_overlap", "staff_second_factor"]


# --- People and memberships ------------------------------------------------------------------


class PersonForm(TownFieldMixin, ServiceValidatedForm):
    town = _town_field()
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "13812345678"}),
    )

    class Meta:
        model = Person
        fields = ["name", "phone", "is_party_member"]

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_town(towns)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        town = data.get("town") if "town" in self.fields else self.instance.town
        phone = data.get("phone")
        if town and phone:
            others = Person.objects.filter(town=town, phone=phone)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("phone", _("Someone with this mobile number is already recorded in this town."))
        return data


class MembershipForm(ServiceValidatedForm):
    """Adding a membership: an organisation or a body of the person's town."""

    organization = OrganizationChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )
    body = BodyChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        required=False,
        help_text=_("Choose either an organisation or a body."),
    )

    class Meta:
        model = Membership
        fields = ["organization", "body", "position", "title", "start", "end"]

    def __init__(self, *args, organizations=None, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["body"].queryset = bodies
        if not self.is_bound:
            self.fields["start"].initial = timezone.localdate()


class MembershipEditForm(ServiceValidatedForm):
    class Meta:
        model = Membership
        fields = ["position", "title", "start", "end"]


class MembershipEndForm(StyledForm):
    end = forms.DateField(label=_("Last day of the term"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)  # a missing version is an error, not "current"

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if not self.is_bound:
            self.fields["end"].initial = timezone.localdate()
            self.fields["version"].initial = membership.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data["version"]


# --- Service contracts -----------------------------------------------------------------------


class ContractForm(ServiceValidatedForm):
    company = OrganizationChoiceField(label=_("Property company"), queryset=Organization.objects.none())
    compound = CompoundChoiceField(label=_("Compound"), queryset=Compound.objects.none())
    manager = PersonChoiceField(
        label=_("Compound manager"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Staff of a property company. Record the person and their membership first if missing."),
    )

    class Meta:
        model = ServiceContract
        fields = ["company", "compound", "start", "end", "manager"]

    def __init__(self, *args, companies=None, compounds=None, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["compound"].queryset = compounds.select_related("neighborhood")
        self.fields["manager"].queryset = managers
        if self.instance.pk and not self.is_bound:
            self.fields["company"].initial = self.instance.company_id
            self.fields["compound"].initial = self.instance.compound_id
            self.fields["manager"].initial = self.instance.manager_id


# --- Duty lists ------------------------------------------------------------------------------


class DutyForm(TownFieldMixin, ServiceValidatedForm):
    town = _town_field()

    class Meta:
        model = Duty
        fields = ["party", "order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_town(towns)


class DutyEditForm(ServiceValidatedForm):
    class Meta:
        model = Duty
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


# --- Residents -------------------------------------------------------------------------------


class BindResidentForm(StyledForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "13812345678"}),
        help_text=_("The person is found by this number, or recorded if new."),
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation to the unit"), choices=Residency.Relation.choices)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))
