from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import VersionedModelForm
from gongzhi.orgs.models import Organization

from .models import CaseSettings, Category


class CategoryForm(VersionedModelForm):
    class Meta:
        model = Category
        fields = [
            "parent",
            "code",
            "name",
            "handler_kind",
            "handler",
            "accept_days",
            "resolve_days",
            "urgent_resolve_days",
            "order",
        ]

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(town=town, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(top level)")
        self.fields["handler"].queryset = Organization.objects.filter(
            town=town, kind=Organization.Kind.GOVERNMENT_UNIT
        ).order_by("name")
        for name in ("accept_days", "resolve_days", "urgent_resolve_days"):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs.update({"min": 1, "max": 60})

    def _post_clean(self):
        """Validation is the service's (its messages explain combinations)."""


class CaseSettingsForm(VersionedModelForm):
    class Meta:
        model = CaseSettings
        fields = [
            "period_start_day",
            "basic_satisfied_weight",
            "callback_after_days",
            "hotspot_min_cases",
            "hotspot_days",
            "reports_per_phone_per_day",
            "reports_per_address_per_hour",
        ]
        widgets = {"basic_satisfied_weight": forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"})}
