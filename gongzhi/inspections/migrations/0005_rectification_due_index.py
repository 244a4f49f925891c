from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_visit_newest_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="rectificationorder",
            index=models.Index(fields=["due_on", "id"], name="rectification_due"),
        ),
    ]
