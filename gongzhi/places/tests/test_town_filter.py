"""The town filter of the places lists (issue 15: pages at city scale). A user of one town sees the
lists as before, without it; a user of several towns (the platform administrator) gets a town
filter: the neighborhood list pages and narrows to the chosen town, and the compound list offers
the neighborhoods of the chosen town only — a neighborhood in a link still filters."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def names(page_obj):
    return [row.name for row in page_obj.object_list]


def neighborhood_options(response):
    return [str(n) for n in response.context["form"].fields["neighborhood"].queryset]


def test_a_user_of_one_town_sees_the_lists_without_a_town_filter(world, client_for):
    client = client_for("office")
    response = client.get("/places/neighborhoods/")
    assert not response.context["towns"].shown
    assert names(response.context["page_obj"]) == ["世博", "新城"]  # by code: sb, xc
    assert 'name="town"' not in response.content.decode()
    response = client.get("/places/")
    assert not response.context["towns"].shown
    assert response.context["show_neighborhood"]
    assert sorted(neighborhood_options(response)) == sorted(["世博", "新城"])


def test_the_administrator_chooses_a_town(world, client_for):
    client = client_for("admin")
    response = client.get("/places/neighborhoods/")
    assert response.context["towns"].waiting
    assert 'name="town"' in response.content.decode()
    assert sorted(names(response.context["page_obj"])) == sorted(["世博", "新城", "梅陇一"])  # paged, every town
    assert response.context["page_obj"].paginator.count == 3
    response = client.get(f"/places/neighborhoods/?town={world.other.uid}")
    assert names(response.context["page_obj"]) == ["梅陇一"]
    assert response.context["neighborhoods"][0].compound_count == 1  # totals of the rows shown
    assert response.context["neighborhoods"][0].unit_count == 2

    response = client.get("/places/")
    assert not response.context["show_neighborhood"]  # no city-wide list of neighborhoods
    assert neighborhood_options(response) == []
    assert len(response.context["page_obj"].object_list) == 4  # every compound, paged
    response = client.get(f"/places/?town={world.town.uid}")
    assert sorted(neighborhood_options(response)) == sorted(["世博", "新城"])
    assert sorted(names(response.context["page_obj"])) == sorted(["新城一村", "新城二村", "世博家园"])
    # a link naming a neighborhood still filters, and offers the neighborhoods of its town
    response = client.get(f"/places/?neighborhood={world.n3.uid}")
    assert names(response.context["page_obj"]) == ["梅陇小区"]
    assert neighborhood_options(response) == ["梅陇一"]


def test_a_town_outside_the_users_is_no_choice(world, client_for):
    response = client_for("office").get(f"/places/neighborhoods/?town={world.other.uid}")
    assert names(response.context["page_obj"]) == ["世博", "新城"]  # ignored: one town, no filter
