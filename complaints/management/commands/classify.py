import json
import sys

from django.core.management.base import BaseCommand, CommandError

from complaints.classifier.lifecycle import TrainingDataMissing, classify_texts, model_train

BATCH = 2000


class Command(BaseCommand):
    help = ("Reads JSON lines with a `text` (and any `id`) from a file or `-` (stdin) and prints one JSON line "
            "per input: id, label, confidence. With no active model yet, trains one from the corpus first.")

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, help="a file of JSON lines, or - for standard input")

    def handle(self, *args, **options):
        if classify_texts([]) is None:
            self.stderr.write("No active classifier yet: training one from the corpus first...")
            try:
                model_train(note="first use of manage.py classify")
            except TrainingDataMissing as error:
                raise CommandError(str(error)) from None
        try:
            source = sys.stdin if options["jsonl"] == "-" else open(options["jsonl"], encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {options['jsonl']}: {error.strerror}.") from None
        with source:
            pending: list[tuple[object, str]] = []
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    text = row["text"]
                    if not isinstance(text, str):
                        raise TypeError
                except (ValueError, KeyError, TypeError):
                    self._flush(pending)
                    self.stdout.write(json.dumps({"line": number, "error": "not a JSON object with a text"}))
                    continue
                pending.append((row.get("id"), text))
                if len(pending) >= BATCH:
                    self._flush(pending)
            self._flush(pending)

    def _flush(self, pending):
        if not pending:
            return
        _, results = classify_texts([text for _, text in pending])
        for (identifier, _), (label, confidence) in zip(pending, results):
            self.stdout.write(json.dumps({"id": identifier, "label": label, "confidence": round(confidence, 4)},
                                         ensure_ascii=False))
        pending.clear()
