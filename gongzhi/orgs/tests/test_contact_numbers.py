"""Mobile numbers under PIPL (issue 11, finding 4): decided per person and per case by where the
reader's `people.contact` grant reaches, never by holding it somewhere; every page, search and
export shows them masked; a number is shown in full one at a time, on request, and that reading
is recorded."""

import pytest
from django.urls import reverse

from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import Report, submit_case
from gongzhi.core.models import AuditEntry
from gongzhi.orgs import contacts
from gongzhi.testing import exported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RESIDENT_PHONE = "13800000001"  # the resident persona, owner of a unit in 新城一村 (c1)


def shown(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_cross_appointed_committee_member_reads_no_number_of_anothers_compound(client, world):
    """The finding: 党总支委员 of 世博 (people.contact in n2) with a seat in 新城一村's owners'
    committee saw the full numbers of 新城一村's residents and could search them by digits."""
    resident, cross = world.people["resident"], world.users["cross_appointed"]
    assert not contacts.phone_readable(cross, resident)
    page = shown(client, cross, resident.get_absolute_url())
    assert RESIDENT_PHONE not in page and "138****0001" in page
    assert 'data-testid="show-phone"' not in page  # no button for what the reader may not do
    assert client.post(reverse("orgs:person_phone", args=[resident.uid])).status_code == 404
    listing = shown(client, cross, reverse("orgs:person_list") + "?q=00000001")
    assert "居民甲" not in listing  # searching by digits looks only among readable numbers
    assert not AuditEntry.objects.filter(action="orgs.person.view_contact").exists()


def test_the_residents_committee_reads_a_number_on_request_and_the_reading_is_recorded(client, world):
    resident, rc_worker = world.people["resident"], world.users["rc_worker"]
    page = shown(client, rc_worker, resident.get_absolute_url())
    assert RESIDENT_PHONE not in page and 'data-testid="show-phone"' in page
    response = client.post(reverse("orgs:person_phone", args=[resident.uid]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'href="tel:{RESIDENT_PHONE}"' in response.content.decode()
    assert "<html" not in response.content.decode()  # in place of the masked number
    entry = AuditEntry.objects.get(action="orgs.person.view_contact", object_id=str(resident.pk))
    assert entry.actor == rc_worker and RESIDENT_PHONE not in str(entry.after)
    assert "Mobile number shown in full" in shown(client, rc_worker, resident.get_absolute_url())  # in its history
    without_script = client.post(reverse("orgs:person_phone", args=[resident.uid]))
    assert without_script.status_code == 200 and "<html" in without_script.content.decode()
    assert "居民甲" in shown(client, rc_worker, reverse("orgs:person_list") + "?q=00000001")


def test_lists_show_numbers_masked_even_to_the_office(client, world):
    office = world.users["office"]
    listing = shown(client, office, reverse("orgs:person_list") + "?q=居民甲")
    assert "居民甲" in listing and RESIDENT_PHONE not in listing and "138****0001" in listing
    unit = world.unit(world.c1)
    assert RESIDENT_PHONE not in shown(client, office, unit.get_absolute_url())


def test_opening_the_edit_form_which_shows_the_number_is_recorded(client, world):
    resident = world.people["resident"]
    page = shown(client, world.users["office"], reverse("orgs:person_edit", args=[resident.uid]))
    assert RESIDENT_PHONE in page
    assert AuditEntry.objects.filter(action="orgs.person.view_contact", object_id=str(resident.pk)).count() == 1


@pytest.fixture
def reported(world):
    install_default_categories(actor=None, town=world.town)
    category = Category.objects.get(town=world.town, code="REPAIR")

    def report(compound, **extra):
        return submit_case(
            actor=world.users["rc_worker"],
            report=Report(
                compound=compound,
                category=category,
                description="楼道灯坏了，晚上看不见",
                reporter_name="王阿姨",
                reporter_phone="13900000009",
                **extra,
            ),
            channel="visit",
        )

    return report


def test_a_case_shows_the_reporters_number_masked_and_full_only_on_request(client, world, reported):
    case = reported(world.c1)
    for persona in ("property_manager", "cross_appointed"):  # the handler; a committee seat only
        page = shown(client, world.users[persona], case.get_absolute_url())
        assert "13900000009" not in page and 'data-testid="show-phone"' not in page
        assert client.post(reverse("cases:reporter_phone", args=[case.uid])).status_code == 404
    page = shown(client, world.users["rc_worker"], case.get_absolute_url())
    assert "13900000009" not in page and "139****0009" in page and 'data-testid="show-phone"' in page
    response = client.post(reverse("cases:reporter_phone", args=[case.uid]), HTTP_HX_REQUEST="true")
    assert "13900000009" in response.content.decode()
    entry = AuditEntry.objects.get(action="cases.case.view_contact", object_id=str(case.pk))
    assert entry.actor == world.users["rc_worker"]


def test_a_withheld_identity_stays_withheld_from_whoever_could_read_numbers(client, world, reported):
    case = reported(world.c1, hide_identity=True)
    Case.objects.filter(pk=case.pk).update(handler=world.orgs["rc1"])  # handled by the committee itself
    client.force_login(world.users["rc_worker"])
    assert client.post(reverse("cases:reporter_phone", args=[case.uid])).status_code == 404


def test_the_case_list_and_export_show_numbers_masked(client, world, reported, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reported(world.c1)
    listing = shown(client, world.users["office"], reverse("cases:inbox") + "?box=all")
    assert "13900000009" not in listing
    _job, book = exported(client, "cases")
    sheet = book.active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert "139****0009" in cells and "13900000009" not in cells
