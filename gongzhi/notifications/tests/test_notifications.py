import pytest

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.notifications import services
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_users_and_sms_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            services.notify(
                users=[world.users["office"], world.users["office"].pk], text="你好", url="/", sms_phone="13800000001"
            )
    assert Notification.objects.filter(user=world.users["office"]).count() == 1
    sms = Notification.objects.get(phone="13800000001")
    assert sms.sms_sent_at is not None and len(MemoryBackend.outbox) == 1
    assert services.deliver(sms.pk) == "nothing to do"  # idempotent
    assert len(MemoryBackend.outbox) == 1


def test_users_of_an_organisation(world):
    assert services.users_of([world.orgs["pc"].pk]) == [world.users["property_manager"].pk]


def test_bell_count_list_and_open(world, client_for):
    Notification.objects.create(user=world.users["office"], text="案件2611-0001已受理", url="/places/")
    client = client_for("office")
    page = client.get("/").content.decode()
    assert 'data-unread="1"' in page
    listing = client.get("/notifications/").content.decode()
    assert "案件2611-0001已受理" in listing
    note = Notification.objects.get(user=world.users["office"])
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/places/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client_for("rc_worker").post(f"/notifications/{note.pk}/open/").status_code == 404


def test_external_urls_are_not_followed(world, client_for):
    note = Notification.objects.create(user=world.users["office"], text="x", url="https://evil.example/")
    response = client_for("office").post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == "/notifications/"
