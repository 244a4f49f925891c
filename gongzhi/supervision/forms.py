"""The urging form: what is asked of the organisations responsible."""

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.core.forms import StyledForm


class UrgeForm(StyledForm):
    note = forms.CharField(
        label=gettext_lazy("What is asked"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=gettext_lazy("Sent to the organisations responsible and written on the record's history."),
    )
