"""Rectification orders may come from a forum's opinion (gongzhi.evaluations) as well as from an
inspection's finding: the order says what is to be rectified itself (`subject`, filled from the
finding for the existing orders), `origin` tells which, and only an inspection's order has a finding."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_subjects(apps, schema_editor):
    Order = apps.get_model("inspections", "RectificationOrder")
    Finding = apps.get_model("inspections", "Finding")
    Order.objects.update(subject=Subquery(Finding.objects.filter(pk=OuterRef("finding_id")).values("text")[:1]))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_case_confirmations")]

    operations = [
        migrations.AddField(
            model_name="rectificationorder",
            name="origin",
            field=models.CharField(
                choices=[("inspection", "Inspection finding"), ("forum", "Opinion heard at a forum")],
                default="inspection",
                max_length=10,
                verbose_name="comes from",
            ),
        ),
        migrations.AddField(
            model_name="rectificationorder",
            name="subject",
            field=models.TextField(default="", max_length=2000, verbose_name="to rectify"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rectificationorder",
            name="source_url",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="rectificationorder",
            name="finding",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="rectification",
                to="inspections.finding",
            ),
        ),
        migrations.RunPython(fill_subjects, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rectificationorder",
            constraint=models.CheckConstraint(
                condition=models.Q(("finding__isnull", False), ("origin", "inspection"))
                | models.Q(("finding__isnull", True), ("origin", "forum")),
                name="rectification_finding_iff_inspection",
            ),
        ),
    ]
