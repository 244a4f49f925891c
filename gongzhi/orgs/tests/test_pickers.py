"""Organisation pickers (issue 10, finding 6): the neighborhood's four parties first, government
units next, the rest of the town last; notes beside the names; searchable on the page."""

import pytest
from django import forms

from gongzhi.orgs.models import Organization
from gongzhi.orgs.pickers import group_field, grouped_choices

pytestmark = pytest.mark.django_db


def test_the_four_parties_come_first_then_government_units_then_the_rest(world):
    groups = grouped_choices(Organization.objects.filter(town=world.town), [world.n1.pk])
    titles = [title for title, _rows in groups]
    assert titles == ["The neighborhood's four parties", "Government units", "Other organisations in the town"]
    parties = [label for _uid, label in groups[0][1]]
    assert parties[0].startswith("新城党总支") and parties[1].startswith("新城居委会")
    assert any(label.startswith("新城一村业委会") for label in parties)
    assert not any("世博" in label for label in parties)  # another neighborhood's parties come last
    assert any("世博" in label for _uid, label in groups[2][1])


def test_a_note_is_shown_beside_its_organisation_and_validation_still_uses_the_queryset(world):
    class Form(forms.Form):
        lead = forms.ModelChoiceField(queryset=Organization.objects.none(), to_field_name="uid")

    form = Form({"lead": world.orgs["oc1"].uid})
    notes = {world.orgs["oc1"].pk: "position: agree"}
    group_field(form.fields["lead"], Organization.objects.filter(town=world.town), [world.n1.pk], notes)
    html = str(form["lead"])
    assert "<optgroup" in html and "新城一村业委会 · Owners&#x27; committee（position: agree）" in html
    assert 'data-filterable="Type to find an organisation"' in html
    assert form.is_valid() and form.cleaned_data["lead"] == world.orgs["oc1"]
    outside = Form({"lead": world.orgs["oc4"].uid})  # another town's committee
    group_field(outside.fields["lead"], Organization.objects.filter(town=world.town), [world.n1.pk])
    assert not outside.is_valid()


def test_a_notice_is_answered_only_by_those_serving_its_compounds(world):
    """Issue 11, finding 13: a 新城一村 case to 世博家园's committee, or a 新城 notice answered by
    another neighborhood's committee, is refused; government units remain open."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from gongzhi.notices.services import create_notice
    from gongzhi.orgs.pickers import serving

    allowed = set(serving(world.town.pk, [world.c1.pk]).values_list("code", flat=True))
    assert {"po1", "rc1", "oc1", "pc", "police"} <= allowed and "oc3" not in allowed and "po2" not in allowed
    with pytest.raises(ValidationError) as refused:
        create_notice(
            actor=world.users["party_secretary"], neighborhood=world.n1, compounds=[world.c1], title="通报",
            body="正文", responsible=world.orgs["oc3"], closes_on=timezone.localdate() + timedelta(days=7),
        )  # fmt: skip
    assert "responsible" in refused.value.message_dict


def test_pages_show_only_what_the_viewer_may_open(world, client_for):
    """Issue 11, finding 13: a person's seat in an organisation the viewer cannot open is not
    listed; the notices list offers "write a notice" only to those who may write one."""
    from django.urls import reverse

    person = world.people["cross_appointed"]  # 新城一村业委会 and 世博's party organisation
    page = client_for("oc_member").get(reverse("orgs:person_detail", args=[person.uid])).content.decode()
    assert world.orgs["oc1"].name in page and world.orgs["po2"].name not in page
    assert (
        world.orgs["po2"].name
        in client_for("office").get(reverse("orgs:person_detail", args=[person.uid])).content.decode()
    )
    assert reverse("notices:new") not in client_for("property_manager").get(reverse("notices:list")).content.decode()
    assert reverse("notices:new") in client_for("party_secretary").get(reverse("notices:list")).content.decode()
