"""core.forms.FastSelect writes the same HTML as Django's select templates (issue 15)."""

from django import forms
from django.utils.safestring import mark_safe

from gongzhi.core.forms import FastSelect

CHOICES = [
    ("", "All <towns>"),
    ("a&b", 'Quote " and <b>'),
    ("Group & one", [("1", "one"), ("2", mark_safe("<i>two</i>"))]),
    (3, "three"),
    (mark_safe("a&amp;c"), "safe value"),
]


def _pair(**attrs):
    return forms.Select(attrs=dict(attrs), choices=CHOICES), FastSelect(attrs=dict(attrs), choices=CHOICES)


def test_same_html_as_django_select():
    for value in (None, "", "a&b", "2", 3, "missing"):
        django_select, fast = _pair(**{"class": "form-select", "data-x": 'a"b', "disabled": True, "hidden": False})
        assert fast.render("town", value, attrs={"id": "id_town"}) == django_select.render(
            "town", value, attrs={"id": "id_town"}
        )


def test_same_html_for_a_model_choice_field():
    class Form(forms.Form):
        state = forms.ChoiceField(choices=CHOICES, required=False)
        fast = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)

    form = Form({"state": "2", "fast": "2"})
    assert str(form["fast"]).replace('name="fast"', 'name="state"').replace('id="id_fast"', 'id="id_state"') == str(
        form["state"]
    )
    assert 'value="2" selected>' in str(form["fast"])
