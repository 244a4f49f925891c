"""Forms of the surveys' pages. The answer form has one question per questionnaire question, with
the questionnaire's scale and "don't know"; the services check the answers again."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import StyledForm

from .models import PARTIES, Definition, Questionnaire, Response, SampledUnit, Scale
from .results import question_label


class QuestionnaireForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    scale = forms.TypedChoiceField(label=_("Scale"), choices=Scale.choices, coerce=int, initial=Scale.FIVE)
    parties = forms.MultipleChoiceField(
        label=_("Satisfaction with the four parties"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.CharField(
        label=_("Named services"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, for example 保洁, 绿化, 安保, 停车."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [(p, question_label({"key": p})) for p in PARTIES]
        self.fields["parties"].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def initial_for(questionnaire: Questionnaire) -> dict:
        return {
            "version": questionnaire.version,
            "name": questionnaire.name,
            "scale": questionnaire.scale,
            "parties": [q["key"] for q in questionnaire.questions if q["key"] in PARTIES],
            "services": "\n".join(q["label"] for q in questionnaire.questions if q["key"].startswith("service_")),
        }

    def service_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["services"].splitlines() if line.strip()]


class SurveyForm(StyledForm):
    compound = forms.ModelChoiceField(label=_("Compound"), queryset=None, to_field_name="uid")
    quarter = forms.CharField(label=_("Quarter"), max_length=6, help_text=_("For example 2026Q4."))
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=None, to_field_name="uid")
    confidence = forms.DecimalField(
        label=_("Confidence level (%)"), initial=95, min_value=80, max_value=99, decimal_places=1
    )
    margin = forms.DecimalField(
        label=_("Margin of error (± %)"), initial=5, min_value=1, max_value=20, decimal_places=1
    )
    floor = forms.IntegerField(
        label=_("Minimum sample"),
        initial=30,
        min_value=1,
        max_value=1000,
        help_text=_("Every household is surveyed in a compound smaller than this."),
    )
    seed = forms.CharField(
        label=_("Seed"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for a random one. It is recorded: anyone can draw the same sample again with it."),
    )

    def __init__(self, *args, compounds, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["questionnaire"].queryset = questionnaires

    def percent(self, name: str) -> Decimal:
        return (self.cleaned_data[name] / 100).quantize(Decimal("0.001"))


class AnswerForm(StyledForm):
    """The questions of the survey's questionnaire, each a choice of its scale's levels."""

    channel = forms.ChoiceField(
        label=_("How"),
        choices=[
            (Response.Channel.DOOR, Response.Channel.DOOR.label),
            (Response.Channel.TELEPHONE, Response.Channel.TELEPHONE.label),
        ],
        widget=forms.RadioSelect,
        initial=Response.Channel.DOOR,
    )
    comment = forms.CharField(
        label=_("Comments and suggestions"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, questionnaire: Questionnaire, with_channel: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_channel:
            del self.fields["channel"]
        choices = [(level.value, level.label) for level in questionnaire.levels]
        self.questions = []
        for question in questionnaire.questions:
            name = f"q_{question['key']}"
            self.fields[name] = forms.ChoiceField(
                label=question_label(question),
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer (or “Don't know”).")},
            )
            self.questions.append((question["key"], name))

    def answers(self) -> dict:
        return {key: self.cleaned_data[name] for key, name in self.questions}

    def question_fields(self):
        return [self[name] for _key, name in self.questions]


class NonresponseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ChoiceField(label=_("Why no answer"), choices=SampledUnit.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    substitute = forms.BooleanField(
        label=_("Replace by the next household of the building's reserve list"), required=False, initial=True
    )


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettingsForm(StyledForm):
    """The town's survey settings: which definition of satisfaction is the headline."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    definition = forms.ChoiceField(
        label=_("Satisfaction definition"), choices=Definition.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].widget.attrs["class"] = "form-check-input"


__all__ = ["AnswerForm", "NonresponseForm", "QuestionnaireForm", "SettingsForm", "SurveyForm", "VersionForm"]
