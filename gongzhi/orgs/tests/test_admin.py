"""The orgs models in the admin: listed and searchable, read-only."""

import pytest
from django.conf import settings
from django.contrib import admin

from gongzhi.orgs import models

pytestmark = pytest.mark.django_db

MODELS = [
    models.Organization,
    models.ServiceContract,
    models.Body,
    models.BodyMemberUnit,
    models.BodyCoverage,
    models.Person,
    models.Membership,
    models.Residency,
    models.Duty,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_searches_read_only(world, client_for, model):
    assert admin.site.is_registered(model)
    label = f"/{settings.ADMIN_PATH}{model._meta.app_label}/{model._meta.model_name}/"
    client = client_for("admin")
    assert client.get(label).status_code == 200
    assert client.get(label, {"q": "新城"}).status_code == 200
    assert client.get(f"{label}add/").status_code == 403
    row = model.objects.first()
    if row is not None:
        page = client.get(f"{label}{row.pk}/change/")
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
