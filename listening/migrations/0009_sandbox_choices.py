# The sandbox platform (platforms/sandbox) joins the credential platform choices (it has no mentions of its own).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('listening', '0008_open_mentions_covering_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='credential',
            name='platform',
            field=models.CharField(choices=[('twitter', 'X (Twitter)'), ('facebook', 'Facebook'), ('blog', 'Blog / RSS'), ('sandbox', 'Sandbox (demo, publishes nothing)'), ('other', 'Other channel (imported)')], max_length=16, verbose_name='platform'),
        ),
    ]
