from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import StyledForm

from .problems import WorkbookRefused
from .workbook import XLSX_CONTENT_TYPE, check_file


class UploadForm(StyledForm):
    town = forms.ModelChoiceField(queryset=None, label=_("Town"), empty_label=None)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.towns = list(towns)
        if len(self.towns) > 1:
            self.fields["town"].queryset = towns
        else:
            del self.fields["town"]  # the user's one town

    @property
    def chosen_town(self):
        return self.cleaned_data["town"] if "town" in self.fields else self.towns[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_file(upload)
        except WorkbookRefused as refused:
            raise forms.ValidationError(refused.message, code="refused")
        return upload


class ConfirmForm(StyledForm):
    """Confirming a preview: names the preview the user saw (its digest)."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


class JobActionForm(StyledForm):
    """A bare button on the job page (discard, preview again, undo): nothing to fill in."""
