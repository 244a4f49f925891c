"""Annual reports (年度述职): an explicit state (draft, submitted, rated), the compound manager's
deputy and who named them, the last draft save, who reported, and attached files. Reports
submitted before keep their text: they become submitted (rated when they have ratings), with the
submitting account's person as reporter."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import gongzhi.core.ids


def states_of_existing_reports(apps, schema_editor):
    AnnualReport = apps.get_model("meetings", "AnnualReport")
    AnnualReportRating = apps.get_model("meetings", "AnnualReportRating")
    Person = apps.get_model("orgs", "Person")
    rated = set(AnnualReportRating.objects.values_list("report_id", flat=True))
    for report in AnnualReport.objects.filter(submitted_at__isnull=False).iterator():
        report.state = "rated" if report.pk in rated else "submitted"
        report.reporter = (
            Person.objects.filter(user_id=report.submitted_by_id).first() if report.submitted_by_id else None
        )
        report.save(update_fields=["state", "reporter"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_agenda_once"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="annualreportrating",
            options={"ordering": ["report_id", "recorded_at", "id"]},
        ),
        migrations.AddField(
            model_name="annualreport",
            name="delegated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="delegated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.person",
                verbose_name="named by",
            ),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="deputy",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.person",
                verbose_name="deputy",
            ),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="reporter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.person",
                verbose_name="reporter",
            ),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="saved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="saved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="state",
            field=models.CharField(
                choices=[("draft", "Draft"), ("submitted", "Submitted"), ("rated", "Rated")],
                db_index=True,
                default="draft",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.CreateModel(
            name="AnnualReportFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "uid",
                    models.CharField(
                        default=gongzhi.core.ids.new_uid,
                        editable=False,
                        max_length=12,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                ("file", models.FileField(upload_to="annual_reports/%Y/%m/")),
                ("name", models.CharField(max_length=200)),
                ("size", models.PositiveIntegerField()),
                ("added_at", models.DateTimeField()),
                (
                    "added_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="files", to="meetings.annualreport"
                    ),
                ),
            ],
            options={
                "ordering": ["report_id", "added_at", "id"],
            },
        ),
        migrations.RunPython(states_of_existing_reports, migrations.RunPython.noop),
    ]
