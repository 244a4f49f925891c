from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import StyledForm, StyledFormMixin
from gongzhi.orgs.models import Residency


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class PhoneForm(StyledForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}),
    )


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class InviteCodeForm(StyledForm):
    code = forms.CharField(
        label=_("Invite code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class ClaimForm(StyledForm):
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=None, to_field_name="uid", empty_label=_("Choose your building")
    )
    unit_number = forms.CharField(label=_("Unit number"), max_length=20, help_text=_("As on your door, e.g. 1201."))
    relation = forms.ChoiceField(label=_("You are the unit's"), choices=Residency.Relation.choices)
    name = forms.CharField(label=_("Your name"), max_length=50)

    def __init__(self, *args, compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.compound = compound
        self.fields["building"].queryset = compound.buildings.order_by("number")

    def clean(self):
        data = super().clean()
        building, number = data.get("building"), (data.get("unit_number") or "").strip()
        if building and number:
            unit = building.units.filter(number=number).first()
            if unit is None:
                self.add_error(
                    "unit_number",
                    _("There is no unit %(number)s in %(building)s. Check the number on your door.")
                    % {"number": number, "building": building.number},
                )
            data["unit"] = unit
        return data


class StaffLoginForm(StyledForm):
    """The office gives a person a staff login, or sets a new password for an existing one."""

    username = forms.CharField(
        label=_("Username"), max_length=40, help_text=_("Letters, digits, '.', '_' or '-', starting with a letter.")
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            del self.fields["username"]

    def clean(self):
        from django.contrib.auth import password_validation

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
