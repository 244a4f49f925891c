from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import StyledForm, VersionedModelForm

from .models import Building, Compound, Neighborhood, Unit


class NeighborhoodForm(VersionedModelForm):
    """Creating: the town is chosen among those the user manages (hidden when there is one)."""

    town = forms.ModelChoiceField(label=_("Town"), queryset=None, required=False)

    class Meta:
        model = Neighborhood
        fields = ["code", "name", "address"]

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if towns is None:
            del self.fields["town"]
            return
        self.fields["town"].queryset = towns
        self.fields["town"].required = True
        if len(towns) == 1:
            self.fields["town"].initial = towns[0]
            self.fields["town"].widget = forms.HiddenInput()


class CompoundForm(VersionedModelForm):
    class Meta:
        model = Compound
        fields = ["neighborhood", "code", "name", "address"]

    def __init__(self, *args, neighborhoods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighborhood"].queryset = neighborhoods


class BuildingForm(VersionedModelForm):
    class Meta:
        model = Building
        fields = ["number", "floors"]


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = ["number", "area"]
        widgets = {"area": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})}


class CompoundFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.none(),
        required=False,
        to_field_name="uid",
        empty_label=_("All neighborhoods"),
    )
    contract = forms.ChoiceField(
        label=_("Property service contract"),
        required=False,
        choices=[("", _("Any")), ("none", _("No current contract"))],
    )

    def __init__(self, *args, neighborhoods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighborhood"].queryset = neighborhoods
