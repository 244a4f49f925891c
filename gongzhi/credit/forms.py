"""The credit files' forms: a record by hand (the office), an objection and a correction request
(the company), the office's decisions, the town's settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import DateInput, StyledForm
from gongzhi.core.uploads import FilesField
from gongzhi.orgs.models import Organization, Person
from gongzhi.places.models import Compound

from . import rules
from .models import MAX_POINTS, CreditRecord, Mode


class RecordForm(StyledForm):
    company = forms.ModelChoiceField(label=gettext_lazy("Property company"), queryset=Organization.objects.none(),
                                     to_field_name="uid")  # fmt: skip
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Compound manager"), queryset=Person.objects.none(), to_field_name="uid", required=False,
        help_text=gettext_lazy("Leave empty for a record about the company itself."),
    )  # fmt: skip
    compound = forms.ModelChoiceField(label=gettext_lazy("Compound"), queryset=Compound.objects.none(),
                                      to_field_name="uid", required=False)  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CreditRecord.Kind.choices)
    points = forms.IntegerField(label=gettext_lazy("Points"), min_value=1, max_value=MAX_POINTS)
    text = forms.CharField(label=gettext_lazy("What the record is about"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)  # fmt: skip
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput, required=False,
                                 help_text=gettext_lazy("Empty: today."))  # fmt: skip
    evidence = FilesField(label=gettext_lazy("Evidence"))

    def __init__(self, *args, companies, managers, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["manager"].queryset = managers
        self.fields["compound"].queryset = compounds


class ObjectionForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Why the record is wrong"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)  # fmt: skip
    evidence = FilesField(label=gettext_lazy("Evidence"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CorrectionForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("What was rectified"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)  # fmt: skip
    evidence = FilesField(label=gettext_lazy("Evidence of the rectification"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettingsForm(StyledForm):
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=Mode.choices)
    basic_score = forms.IntegerField(label=gettext_lazy("Basic score"), min_value=0, max_value=100)
    good_cap = forms.IntegerField(label=gettext_lazy("Highest total of good records"), min_value=0, max_value=100)
    band_aaa = forms.IntegerField(label=gettext_lazy("AAA from score"), min_value=1, max_value=100)
    band_aa = forms.IntegerField(label=gettext_lazy("AA from score"), min_value=1, max_value=100)
    band_a = forms.IntegerField(label=gettext_lazy("A from score"), min_value=1, max_value=100)
    band_b = forms.IntegerField(label=gettext_lazy("B from score (below: C)"), min_value=1, max_value=100)
    watch_points = forms.IntegerField(label=gettext_lazy("Watch list from (demerit points)"), min_value=1,
                                      max_value=100)  # fmt: skip
    blacklist_points = forms.IntegerField(label=gettext_lazy("Blacklist from (demerit points)"), min_value=1,
                                          max_value=100)  # fmt: skip
    validity_days = forms.IntegerField(label=gettext_lazy("A record is valid for (days)"), min_value=30,
                                       max_value=3650)  # fmt: skip
    objection_days = forms.IntegerField(label=gettext_lazy("Objection window (days from the record)"), min_value=1,
                                        max_value=90)  # fmt: skip
    correction_days = forms.IntegerField(label=gettext_lazy("Correction checked within (working days)"),
                                         min_value=1, max_value=30)  # fmt: skip
    complaints_per_month = forms.IntegerField(label=gettext_lazy("Complaints rule: more cases in a month than"),
                                              min_value=1, max_value=1000)  # fmt: skip
    report_poor_below = forms.IntegerField(label=gettext_lazy("Annual report rated poor below (%)"), min_value=0,
                                           max_value=100)  # fmt: skip
    report_min_ratings = forms.IntegerField(label=gettext_lazy("Annual report: at least this many ratings"),
                                            min_value=1, max_value=100)  # fmt: skip
    enabled_rules = forms.MultipleChoiceField(label=gettext_lazy("Rules in force"), required=False,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_rules"].choices = [(r.code, r.label) for r in rules.all_rules()]
        self.fields["enabled_rules"].widget.attrs = {}  # plain checkboxes, not a text box's style
