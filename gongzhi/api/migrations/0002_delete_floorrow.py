# The benchmark's floor table moved out of the product, to bench.floor (installed by bench.settings).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
    ]

    operations = [
        migrations.DeleteModel(
            name='FloorRow',
        ),
    ]
