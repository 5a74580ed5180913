"""The steps around storing mentions that belong to the layers above listening.

Listening fetches and stores. Labelling a new mention, setting its triage fields (personal
data, SLA due time, priority), recording the brand's own replies and assigning it in turn
belong to complaints, sla and responses, which listening may not import. The pipeline app
(pipeline/ingestion.py) implements these steps with them and installs them when Django
starts (pipeline/apps.py). Without it, mentions are stored unlabelled and untriaged: that is
what these defaults do."""

from platforms.normalized import NormalizedMention

# (label, confidence, model version), or None when no model is active yet.
Classification = tuple[str, float, str] | None


class IngestSteps:
    def batch_context(self, *, brand) -> object:
        """Loaded once per batch and handed to each triage() call (e.g. the brand's SLA policies)."""
        return None

    def classify(self, items: list[NormalizedMention]) -> list[Classification]:
        return [None] * len(items)

    def triage(self, *, mention, context, now, followers: int) -> None:
        """Sets the triage columns of a mention about to be inserted (an object holding the
        mention's columns as attributes)."""

    def reprioritize(self, *, mention, now) -> None:
        """A stored open mention was seen again with new engagement counts."""

    def own_replies(self, *, replies: list[tuple[object, NormalizedMention]]) -> None:
        """The brand's own posts answering stored mentions: (stored mention, the brand's post)."""

    def stored(self, *, brand, mention_ids: list[int]) -> None:
        """New mentions were inserted; runs inside the ingestion's transaction."""


_installed = {"steps": IngestSteps()}


def ingest_steps() -> IngestSteps:
    return _installed["steps"]


def ingest_steps_install(steps: IngestSteps) -> None:
    _installed["steps"] = steps
