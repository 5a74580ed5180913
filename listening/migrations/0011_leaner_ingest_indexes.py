# Fewer index writes per stored mention: the conversation index loses its pattern-matching twin
# (threads are looked up by equality), and the event log's actor index keeps only the events
# people made (the machine's "created" and "classified", two per mention, have no actor).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('listening', '0010_new_channels_and_sandbox_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='mention',
            name='conversation_id',
            field=models.CharField(blank=True, max_length=128, verbose_name='conversation'),
        ),
        migrations.AlterField(
            model_name='mentionevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddIndex(
            model_name='mention',
            index=models.Index(fields=['conversation_id'], name='mention_conversation'),
        ),
        migrations.AddIndex(
            model_name='mentionevent',
            index=models.Index(condition=models.Q(('actor__isnull', False)), fields=['actor'], name='event_by_actor'),
        ),
    ]
