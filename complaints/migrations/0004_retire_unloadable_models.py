"""Classifier versions saved before the one-pass feature extractor can't be unpickled any
more: they are deactivated (with a note) so the next training — `train_classifier`, the
nightly task, the demo or `classify` on first use — puts a loadable model in their place."""

import io

import joblib
from django.db import migrations


def retire(apps, schema_editor):
    ClassifierModel = apps.get_model("complaints", "ClassifierModel")
    for model in ClassifierModel.objects.filter(is_active=True):
        try:
            joblib.load(io.BytesIO(bytes(model.artifact)))
        except (AttributeError, ImportError, ModuleNotFoundError):
            model.is_active = False
            model.note = (model.note + " · " if model.note else "") + "Saved in an older format; retrain to replace it."
            model.save(update_fields=["is_active", "note"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_periodic_tasks")]
    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
