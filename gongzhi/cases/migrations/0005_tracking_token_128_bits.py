# Security review (issue 11, finding 8): new tracking links carry about 129 bits (26 characters of
# core.ids.ALPHABET) instead of 59; the existing 12-character tokens are kept and keep working.

import gongzhi.cases.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_photo_stage'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='tracking_token',
            field=models.CharField(default=gongzhi.cases.models.new_tracking_token, editable=False, max_length=64, unique=True),
        ),
    ]
