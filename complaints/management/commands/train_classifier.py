from django.core.management.base import BaseCommand, CommandError

from complaints.classifier.lifecycle import TrainingDataMissing, model_train
from complaints.classification import mentions_unlabelled_classify


class Command(BaseCommand):
    help = ("Trains the classifier on the project's corpus plus every label correction, cross-validates it, "
            "and activates it unless it scores below the active version (then --force activates it anyway).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="activate even if it scores lower")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")

    def handle(self, *args, **options):
        try:
            outcome = model_train(force=options["force"], folds=options["folds"], note="manage.py train_classifier")
        except TrainingDataMissing as error:
            raise CommandError(str(error)) from None
        m = outcome.model.metrics
        self.stdout.write(f"{outcome.model.examples} examples ({outcome.model.corrections} corrections), "
                          f"{m['folds']}-fold macro-F1 {m['macro_f1']:.3f}"
                          + "".join(f", {lang} {f1:.3f}" for lang, f1 in m.get("by_language", {}).items()))
        for label, row in m["per_class"].items():
            self.stdout.write(f"  {label:<10} precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
                              f"F1 {row['f1']:.3f}  ({row['support']})")
        self.stdout.write((self.style.SUCCESS if outcome.activated else self.style.WARNING)(outcome.message))
        labelled = mentions_unlabelled_classify()
        if labelled:
            self.stdout.write(f"{labelled} mentions stored before any model was active are now labelled.")
