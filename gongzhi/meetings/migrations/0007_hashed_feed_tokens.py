# Security review (issue 11, finding 8): a calendar address's token is stored as its SHA-256 only.
# The existing addresses keep working (their tokens are hashed in place) but cannot be shown again:
# the page asks their owners to make a new one to see it.

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("meetings", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token_hash").iterator():
        digest = hashlib.sha256(feed.token_hash.encode("utf-8", "surrogatepass")).hexdigest()
        CalendarFeed.objects.filter(pk=feed.pk).update(token_hash=digest)


def drop_feeds(apps, schema_editor):
    """Backwards, a hash cannot become a token again: the addresses are removed (people make new ones)."""
    apps.get_model("meetings", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0006_field_names'),
    ]

    operations = [
        migrations.RenameField(
            model_name='calendarfeed',
            old_name='token',
            new_name='token_hash',
        ),
        migrations.AlterField(
            model_name='calendarfeed',
            name='token_hash',
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.RunPython(hash_tokens, drop_feeds),
    ]
