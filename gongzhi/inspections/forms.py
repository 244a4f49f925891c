"""The inspections' forms. A checklist is edited as text, one line each (the office pastes it from
its Word or Excel template): `# 环境卫生` starts a section; an item is
`楼道无堆物 | 通过/不通过 | 2 | 拍照 | 物业` — its text, then optionally its kind (通过/不通过, or 评分5:
a score from 0 to 5), its weight, 拍照 when a photo is required, and the organisation kind its
rectification goes to (党组织, 居委会, 业委会, 物业, 职能部门)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import DateInput, MultipleFileField, StyledForm
from gongzhi.orgs.models import Body, Person
from gongzhi.places.models import Compound

from .models import Checklist, ChecklistItem
from .selectors import covered_compounds
from .services import ItemSpec, SectionSpec, checklists_for, group_people

KIND_WORDS = {
    "党组织": "party_org",
    "party_org": "party_org",
    "居委会": "residents_committee",
    "residents_committee": "residents_committee",
    "业委会": "owners_committee",
    "owners_committee": "owners_committee",
    "物业": "property_company",
    "property_company": "property_company",
    "职能部门": "government_unit",
    "government_unit": "government_unit",
}
KIND_NAMES = {
    "party_org": "党组织",
    "residents_committee": "居委会",
    "owners_committee": "业委会",
    "property_company": "物业",
    "government_unit": "职能部门",
}
PASS_WORDS = {"通过/不通过", "通过", "pass", "pass/fail"}
PHOTO_WORDS = {"拍照", "photo"}


def parse_sections(text: str) -> list[SectionSpec]:
    sections: list[tuple[str, list[ItemSpec]]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            sections.append((line.lstrip("#").strip(), []))
            continue
        if not sections:
            sections.append((_("Checklist items"), []))
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        spec = {"text": parts[0]}
        for part in parts[1:]:
            if not part:
                continue
            if part in PASS_WORDS:
                spec["kind"] = ChecklistItem.Kind.PASS_FAIL
            elif part.startswith(("评分", "score")):
                digits = part.removeprefix("评分").removeprefix("score").strip(":：")
                if not digits.isdigit():
                    raise ValidationError(_("Line %(n)s: write a score as 评分5.") % {"n": number})
                spec["kind"], spec["max_points"] = ChecklistItem.Kind.SCORE, int(digits)
            elif part.isdigit():
                spec["weight"] = int(part)
            elif part in PHOTO_WORDS:
                spec["photo_required"] = True
            elif part in KIND_WORDS:
                spec["responsible_kind"] = KIND_WORDS[part]
            else:
                raise ValidationError(_("Line %(n)s: “%(part)s” is not understood.") % {"n": number, "part": part})
        sections[-1][1].append(ItemSpec(**spec))
    return [SectionSpec(title, tuple(items)) for title, items in sections]


def sections_text(checklist: Checklist) -> str:
    lines = []
    current = None
    for item in checklist.items.select_related("section"):
        if item.section_id != current:
            current = item.section_id
            lines.append(f"# {item.section.title}")
        parts = [item.text]
        parts.append(f"评分{item.max_points}" if item.kind == ChecklistItem.Kind.SCORE else "通过/不通过")
        parts.append(str(item.weight))
        if item.photo_required:
            parts.append("拍照")
        if item.responsible_kind:
            parts.append(KIND_NAMES[item.responsible_kind])
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class ChecklistForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    items = forms.CharField(
        label=gettext_lazy("Sections and items"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "One line each. “# title” starts a section. An item: its text, then separated by | : "
            "通过/不通过 or 评分5 (a score from 0 to 5), its weight, 拍照 if a photo is required, and who "
            "rectifies (党组织, 居委会, 业委会, 物业, 职能部门)."
        ),
    )
    all_compounds = forms.BooleanField(
        label=gettext_lazy("Applies to every compound of the town"), required=False, initial=True
    )
    compounds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Or only these compounds"), queryset=Compound.objects.none(), required=False,
        to_field_name="uid",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = Compound.objects.filter(town=town).order_by("code")

    def clean_items(self):
        return parse_sections(self.cleaned_data["items"])


class SettingsForm(StyledForm):
    rectification_days = forms.IntegerField(
        label=gettext_lazy("Rectification deadline (working days)"), min_value=1, max_value=60
    )
    visit_interval_weeks = forms.IntegerField(
        label=gettext_lazy("Visit every compound at least every (weeks)"), min_value=1, max_value=26
    )


class VisitForm(StyledForm):
    group = forms.ModelChoiceField(label=gettext_lazy("Inspection group"), queryset=Body.objects.none(),
                                   to_field_name="uid")  # fmt: skip
    compound = forms.ModelChoiceField(label=gettext_lazy("Compound"), queryset=Compound.objects.none(),
                                      to_field_name="uid")  # fmt: skip
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    checklist = forms.ModelChoiceField(label=gettext_lazy("Checklist"), queryset=Checklist.objects.none(),
                                       to_field_name="uid")  # fmt: skip
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members"), queryset=Body.objects.none(), required=False, to_field_name="uid",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        groups = list(groups)
        self.fields["group"].queryset = Body.objects.filter(pk__in=[g.pk for g in groups])
        if len(groups) == 1:
            self.fields["group"].initial = groups[0].uid
        compounds = Compound.objects.none()
        people = None
        for group in groups:
            compounds = compounds | covered_compounds(group)
            people = group_people(group) if people is None else people | group_people(group)
        self.fields["compound"].queryset = compounds.distinct().order_by("code")
        town_ids = {g.town_id for g in groups}
        self.fields["checklist"].queryset = Checklist.objects.published().filter(town_id__in=town_ids)
        self.fields["members"].queryset = people.distinct() if people is not None else Person.objects.none()

    def clean(self):
        data = super().clean()
        group, compound, checklist = data.get("group"), data.get("compound"), data.get("checklist")
        if group and compound and not covered_compounds(group).filter(pk=compound.pk).exists():
            self.add_error("compound", _("The compound is not in the group's coverage."))
        if compound and checklist and not checklists_for(compound).filter(pk=checklist.pk).exists():
            self.add_error("checklist", _("Choose a published checklist that applies to the compound."))
        return data


class AnswerForm(StyledForm):
    text = forms.CharField(label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)  # fmt: skip
    photos = MultipleFileField(label=gettext_lazy("Evidence photos"), accept="image/*")
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecheckForm(StyledForm):
    note = forms.CharField(label=gettext_lazy("Re-check note"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000, required=False)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)
