from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import VersionedModelForm
from gongzhi.orgs.models import Organization

from .configuration import SETTINGS_FIELDS
from .models import CaseSettings, Category


class CategoryForm(VersionedModelForm):
    class Meta:
        model = Category
        fields = [
            "parent",
            "name",
            "handler_kind",
            "handler",
            "accept_days",
            "resolve_days",
            "urgent_resolve_days",
            "order",
            "code",
        ]

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(town=town, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(top level)")
        self.fields["code"].required = False
        self.fields["code"].help_text = _(
            "An internal code for exports and the API; left empty, one is given. People see the name."
        )
        self.fields["handler"].queryset = Organization.objects.filter(
            town=town, kind=Organization.Kind.GOVERNMENT_UNIT
        ).order_by("name")
        for name in ("accept_days", "resolve_days", "urgent_resolve_days"):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs.update({"min": 1, "max": 60})

    def _post_clean(self):
        """Validation is the service's (its messages explain combinations)."""


WEIGHT = {"step": "0.05", "min": "0", "max": "1"}


class CaseSettingsForm(VersionedModelForm):
    """The town's case settings. The service checks what combines several fields (the composite
    weights add up to 1.00 when the index is shown)."""

    class Meta:
        model = CaseSettings
        fields = SETTINGS_FIELDS  # what the settings service saves, in the page's order
        widgets = {
            "basic_satisfied_weight": forms.NumberInput(attrs=WEIGHT),
            "composite_handling_weight": forms.NumberInput(attrs=WEIGHT),
            "composite_effective_weight": forms.NumberInput(attrs=WEIGHT),
            "composite_satisfaction_weight": forms.NumberInput(attrs=WEIGHT),
            "ranking_min_cases": forms.NumberInput(attrs={"min": "1", "max": "100"}),
            "max_extensions": forms.NumberInput(attrs={"min": "0", "max": "5"}),
        }
        help_texts = {
            "effective_definition": _(
                "Both kinds of case are counted; this chooses the numerator of 处置有效率. The pages show "
                "the definition beside every number."
            ),
            "composite_satisfaction_weight": _(
                "The three weights add up to 1.00; they are used only when the composite index is shown."
            ),
        }
