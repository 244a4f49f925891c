"""Form plumbing shared by every app: Bootstrap styling, free text made safe (core.text), the
hidden `version` field that guards edits, and `apply_service`, which runs a service and puts its
ValidationErrors on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from .text import neutralise

T = TypeVar("T")


def neutralised_data(form: forms.BaseForm):
    """The form's submitted data without bidirectional controls and other control characters
    (core.text.neutralise), before any field sees it: what is checked, shown again and saved is
    the same text. Passwords are left as typed."""
    data = form.data
    names = [
        form.add_prefix(name)
        for name, field in form.fields.items()
        if not isinstance(field.widget, forms.PasswordInput)
    ]
    if hasattr(data, "getlist"):  # QueryDict, MultiValueDict
        data = data.copy()
        for name in names:
            if name in data:
                data.setlist(name, [neutralise(v) if isinstance(v, str) else v for v in data.getlist(name)])
        return data
    data = dict(data)
    for name in names:
        value = data.get(name)
        if isinstance(value, str):
            data[name] = neutralise(value)
        elif isinstance(value, (list, tuple)):
            data[name] = [neutralise(v) if isinstance(v, str) else v for v in value]
    return data


class StyledFormMixin:
    """Bootstrap classes on every widget; the submitted text neutralised before it is checked
    (neutralised_data: once the fields are final, including those a form adds in __init__)."""

    def full_clean(self):
        if self.is_bound:
            self.data = neutralised_data(self)
        super().full_clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; returns a list (possibly empty). The service checks them."""

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class VersionedModelForm(StyledFormMixin, forms.ModelForm):
    """An edit form that remembers which version of the record it was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs={"class": "form-control"})
        if self.instance.pk:
            self.fields["version"].required = True  # a missing version is an error, not "current"
            if not self.is_bound:
                self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data["version"] if self.instance.pk else self.instance.version

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def apply_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run `call`; on ValidationError put its messages on the form and return None."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for e in errors:
                    form.add_error(None if target is None or field == NON_FIELD_ERRORS else target, e)
        else:
            form.add_error(None, error)  # the error itself: its messages and their codes
        return None


def _attrs_html(attrs: dict) -> str:
    # django/forms/widgets/attrs.html in Python
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A `<select>` rendered in Python: the same HTML as Django's select.html and
    select_option.html (tested), without a template include per option — a select of a city's 217
    towns' schemes was half of a page's time (issue 15)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs_html(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"  # the option template's last newline
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 — every value escaped above
