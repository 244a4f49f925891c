"""core.forms.FastSelect renders exactly the HTML of Django's Select (its templates), faster (issue 15)."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from gongzhi.core.forms import FastSelect, StyledForm

CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <tags> & ampersands'),
    (3, "A number"),
    ("Group <one>", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))]),
    (mark_safe("a&amp;c"), "An already safe value"),
    ("z", "Last"),
]


@pytest.mark.parametrize("value", [None, "", "a", "b&c", 3, "3", "g2", "a&amp;c", "missing"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "required": True, "disabled": False, "data-x": 'a"b<'}]
)
def test_the_same_html_as_djangos_select(value, attrs):
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("field&name", value)
    django = forms.Select(attrs=attrs, choices=CHOICES).render("field&name", value)
    assert fast == django
    assert "<option" in fast


def test_in_a_styled_form_with_a_model_choice_field(world):
    from gongzhi.places.models import Town

    class Form(StyledForm):
        town = forms.ModelChoiceField(queryset=Town.objects.order_by("code"), to_field_name="uid", widget=FastSelect)

    class Plain(StyledForm):
        town = forms.ModelChoiceField(queryset=Town.objects.order_by("code"), to_field_name="uid")

    for data in (None, {"town": world.town.uid}, {"town": "nope"}):
        assert str(Form(data)["town"]) == str(Plain(data)["town"])
        assert world.town.name in str(Form(data)["town"])
