"""Forms of the resident's pages (views/public.py): the report form of a compound's QR page,
the answer at follow-up, withdrawal and messages on the tracking page. Phone-first: few fields,
big controls, short labels."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import uploads
from gongzhi.core.forms import MultipleFileInput, StyledForm
from gongzhi.places.models import Unit
from gongzhi.places.selectors import by_number

from .models import Case, Category, Urgency
from .services import Report


class PhotosField(forms.FileField):
    """Several image files in one input; each is checked and re-encoded by the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "class": "form-control-lg"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotosField, self).clean(upload, initial) for upload in files if upload]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: Category) -> str:
        return f"{category.parent.name} / {category.name}" if category.parent_id else category.name


def categories_of(town_id: int) -> list[Category]:
    """The town's categories in use, each top-level one followed by its children."""
    rows = list(Category.objects.filter(town_id=town_id, retired=False).select_related("parent"))
    tops = [c for c in rows if c.parent_id is None]
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered += [c for c in rows if c.parent_id == top.pk]
    placed = {c.pk for c in ordered}
    return ordered + [c for c in rows if c.pk not in placed]  # children of a retired parent


class ReportForm(StyledForm):
    """What a resident reports from the compound's QR page."""

    category = CategoryChoiceField(
        label=_("What kind of problem?"),
        queryset=Category.objects.none(),
        to_field_name="uid",
        empty_label=_("Choose…"),
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        min_length=5,
        max_length=2000,
        error_messages={"min_length": _("Describe the problem in a few words (at least 5 characters).")},
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("e.g. the water pipe in the stairwell leaks")}),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent?"),
        choices=[(Urgency.NORMAL.value, Urgency.NORMAL.label), (Urgency.URGENT.value, Urgency.URGENT.label)],
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent: a danger to people or property, or water, power or gas cut off."),
    )
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=None,
        to_field_name="uid",
        required=False,
        empty_label=_("Not in a building / not sure"),
    )
    unit_number = forms.CharField(
        label=_("Unit number"),
        max_length=20,
        required=False,
        help_text=_("As on the door, e.g. 1201. Leave empty for shared areas."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    location = forms.CharField(
        label=_("Or where exactly?"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the east gate, the fire lane behind building 5")}),
    )
    photos = PhotosField(label=_("Photos"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    hide_identity = forms.BooleanField(
        label=_("Keep my name and number from the handling organisation"),
        required=False,
        help_text=_("The residents' committee still sees them, to call you back."),
    )

    field_order = [
        "category",
        "description",
        "urgency",
        "building",
        "unit_number",
        "location",
        "photos",
        "reporter_name",
        "hide_identity",
    ]

    def __init__(self, *args, compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.compound = compound
        building = self.fields["building"]
        building.queryset = compound.buildings.all()
        # 1号楼, 2号楼 … 10号楼: in the order people count them (issue 10, finding 3)
        building.choices = [("", building.empty_label)] + [(b.uid, str(b)) for b in by_number(building.queryset)]
        category = self.fields["category"]
        choices = categories_of(compound.town_id)
        category.queryset = Category.objects.filter(pk__in=[c.pk for c in choices])
        # Keep the tree order in the select (a queryset filtered by pk loses it).
        category.choices = [("", category.empty_label)] + [(c.uid, category.label_from_instance(c)) for c in choices]
        self.fields["urgency"].widget.attrs.pop("class", None)
        self.fields["photos"].help_text = gettext(
            "Up to %(n)s pictures (JPEG, PNG or WebP). Their location data is removed."
        ) % {"n": uploads.MAX_PHOTOS}

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        try:
            return uploads.clean_photos(files)
        except ValidationError as error:
            raise ValidationError(
                [*error.messages, _("Nothing was saved: choose the photos again.")], code="photos"
            ) from None

    def clean(self):
        data = super().clean()
        building = data.get("building")
        number = (data.get("unit_number") or "").strip()
        data["unit"] = None
        if number:
            units = Unit.objects.filter(compound=self.compound, number=number).select_related("building")
            if building is not None:
                units = units.filter(building=building)
            found = list(units[:2])
            if not found:
                where = building.number if building is not None else self.compound.name
                self.add_error(
                    "unit_number",
                    _("There is no unit %(number)s in %(where)s. Check the number on the door, or leave it empty.")
                    % {"number": number, "where": where},
                )
            elif len(found) > 1:
                self.add_error(
                    "building", _("Several buildings have a unit %(number)s: choose the building.") % {"number": number}
                )
            else:
                data["unit"] = found[0]
                data["building"] = found[0].building
        return data

    def report(self, *, phone: str) -> Report:
        data = self.cleaned_data
        return Report(
            compound=self.compound,
            category=data["category"],
            description=data["description"],
            urgency=data["urgency"],
            building=data.get("building"),
            unit=data.get("unit"),
            location=data.get("location") or "",
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=phone,
            hide_identity=bool(data.get("hide_identity")),
        )


class VersionForm(StyledForm):
    """Carries the version of the case the page showed: the second of two concurrent actions
    gets the "changed by someone else" message."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FeedbackForm(VersionForm):
    fixed = forms.TypedChoiceField(
        label=_("Is it fixed?"),
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, not fixed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(
        label=_("How was it handled?"),
        choices=Case.Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Optional")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("fixed", "rating"):
            self.fields[name].widget.attrs.pop("class", None)


class WithdrawForm(VersionForm):
    reason = forms.CharField(label=_("Why? (optional)"), max_length=500, required=False)


class MessageForm(StyledForm):
    text = forms.CharField(
        label=_("Message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add information or ask a question")}),
    )
