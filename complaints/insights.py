"""Complaint insights: what customers complain about in a period, in French and English.

Topics are key phrases of one to three words found in complaints: a phrase never starts or ends
with a stop word ("retard de livraison" yes, "de livraison" no) and never crosses punctuation, a
handle, a link or a negation ("pas de réseau" is about the network; "not" is never a topic).
A phrase ranks by how many complaints use it, times the log of how much more often complaints
use it than the period's other mentions: the brand's name or "order" are everywhere and rank
nowhere. A longer phrase replaces a shorter one it contains when it covers at least half of its
complaints, so "retard de livraison" shows once, not as "retard", "livraison" and itself.
One pass over the period's complaints, one over the previous period's, one over a sample of
other mentions: ~100k complaints take a few seconds."""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.classifier.text import ELISION, HANDLE, URL, normalize, tokens
from listening.choices import Label
from listening.models import Brand, Mention

# Accent-free, as normalize() leaves them: words that say nothing of what went wrong (grammar, politeness, time).
STOP_WORDS = frozenset("""
le la les l' un une des du de d' au aux a ce cet cette ces c' ca et ou mais donc or car que qu' jusqu' lorsqu' puisqu'
qui quoi quand comment pourquoi dont je j' tu il elle on nous vous ils elles me m' te t' se s' moi toi lui leur leurs
mon ma mes ton ta tes son sa ses notre nos votre vos y en dans par pour sur sous avec chez entre vers depuis pendant
avant apres est sont suis es etes sommes etait etaient ete etre ai as avons avez ont avait avoir fait faire fais font
va vais vas vont aller peut peux pouvez peuvent veux veut voulez vouloir dois doit devez faut tres trop bien tout tous
toute toutes meme aussi encore deja toujours si alors comme cela ceci celui celle voici voila ici oui bon bonjour
bonsoir merci svp stp salut cordialement madame monsieur vraiment juste quelque quelques autre autres chaque plusieurs
puis ok hier demain aujourd'hui maintenant lundi mardi mercredi jeudi vendredi samedi dimanche fois jour jours semaine
semaines mois heure heures minute minutes dit dire dis disent mis met mettre pris prend prendre vient venir donne
donner sais savoir nouveau nouvelle the a an and or but so if then than that this these those there here it its i me
my mine we our us you your he she him her his they them their is are was were be been being am do does did doing have
has had having will would shall should can could may might must to of in on at by for from with about as into over
after before up down out off again just also very too still yet already ever even only really please hi hello hey
thanks thank dear what which who whom when where why how all any both each few more most other some such own same get
got getting go going gone make made one today yesterday tomorrow now since day days week weeks month months hour hours
time times monday tuesday wednesday thursday friday saturday sunday im ive want wants wanted need needs say says said
every new took take taken come came give gave like know let use used
""".split())
# A negation turns a topic upside down: it ends the phrase instead of joining it.
NEGATIONS = frozenset("""
ne n' pas plus jamais rien aucun aucune sans ni non personne not no never nothing nobody none nor without cannot cant
dont didnt doesnt isnt wasnt wont havent hasnt
""".split())
# Words (with elisions and contractions: l', aujourd'hui, don't) and, between them, runs of anything
# else: punctuation and emoji end a phrase. Twice as fast as the classifier's finer tokens.
WORD_OR_BREAK = re.compile(r"[\w#']+|[^\w\s']+")
BREAK, UNSEEN = object(), object()
MAX_CHARS = 1000  # the opening of a long blog post says what it is about
MIN_SHARE = 0.001  # a topic is in at least 0.1 % of the complaints, and at least MIN_COUNT
MIN_COUNT = 3
MERGE_SHARE = 0.5
EXAMPLES = 3
OTHER_SAMPLE = 20_000  # other mentions read to tell complaint words from everyday words

TREND_LABELS = {"new": gettext_lazy("new"), "rising": gettext_lazy("rising"),
                "falling": gettext_lazy("falling"), "steady": gettext_lazy("steady")}


@dataclass(frozen=True)
class Topic:
    phrase: str
    count: int  # complaints of the period using it
    previous_count: int  # complaints of the previous period of equal length
    trend: str  # a key of TREND_LABELS
    example_ids: tuple[int, ...]

    @property
    def change(self) -> float | None:
        """Relative change since the previous period; None when the topic is new."""
        return (self.count - self.previous_count) / self.previous_count if self.previous_count else None


@dataclass(frozen=True)
class ComplaintInsights:
    complaints: int
    previous_complaints: int
    topics: list[Topic]


class PhraseFinder:
    """Key phrases of texts, as keys: lowercase, accent-free, final s removed from each word.
    Each distinct word is normalized once and remembered: normalizing whole texts took most
    of the time on 100k complaints."""

    def __init__(self, ignore_words: Iterable[str] = ()):
        # The brand's own name is in every mention: it may sit inside a phrase, never end one.
        ignored = {w for word in ignore_words for w in tokens(normalize(word.lstrip("@#"))) if w[0].isalnum()}
        self.stop = STOP_WORDS | ignored
        self.kinds: dict[str, object] = {}

    def kind(self, word: str):
        """(key word, is a stop word) or BREAK."""
        plain = normalize(word.lstrip("#'")).strip()  # a hashtag counts as its word
        if plain.endswith("'") and plain not in self.stop:
            plain = plain.rstrip("'")  # a closing quote, not an elision (l', qu')
        if not plain or plain in NEGATIONS or plain.endswith("n't") or plain[0] == "_" or not plain[0].isalnum():
            return BREAK
        if plain in self.stop or "'" in plain or len(plain) < 2:
            return (plain, True)
        if not any(ch.isalpha() for ch in plain):
            return BREAK  # numbers: order numbers and prices are not topics
        return (_stem(plain), False)

    def words(self, text: str) -> list[str]:
        """The words and clause breaks of a text, lowercase, as written."""
        text = text[:MAX_CHARS].lower().replace("’", "'")
        if "://" in text or "www." in text:
            text = URL.sub(" _url_ ", text)
        if "@" in text:
            text = HANDLE.sub(" _user_ ", text)
        if "'" in text:
            text = ELISION.sub(r"\1' ", text)
        return WORD_OR_BREAK.findall(text)

    def phrases(self, text: str) -> set[str]:
        found, run, kinds = set(), [], self.kinds
        for word in self.words(text):
            kind = kinds.get(word, UNSEEN)
            if kind is UNSEEN:
                kind = kinds[word] = self.kind(word)
            if kind is not BREAK:
                run.append(kind)
            elif run:
                _add_phrases(run, found)
                run = []
        if run:
            _add_phrases(run, found)
        return found


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] != "s" else word


def _add_phrases(run: list[tuple], found: set[str]) -> None:
    size = len(run)
    for i, (word, stop) in enumerate(run):
        if stop:
            continue
        found.add(word)
        if i + 1 < size:
            second, second_stop = run[i + 1]
            if not second_stop:
                found.add(f"{word} {second}")
            if i + 2 < size and not run[i + 2][1] and run[i + 2][0] != word:
                found.add(f"{word} {second} {run[i + 2][0]}")


def complaint_topics(
    *, complaints: Sequence[tuple[int, str]], previous: Iterable[str], others: Iterable[str],
    ignore_words: Iterable[str] = (), limit: int = 10,
) -> ComplaintInsights:
    """The period's main complaint topics. complaints: (mention id, text), the ones to show as
    examples first; previous: complaint texts of the period before; others: texts of other
    mentions of the period (a sample is enough)."""
    if limit < 1:
        raise ValueError(_("Ask for at least one topic."))
    finder = PhraseFinder(ignore_words)
    counts: Counter[str] = Counter()
    for _id, text in complaints:
        counts.update(finder.phrases(text))
    floor = max(MIN_COUNT, math.ceil(MIN_SHARE * len(complaints)))
    candidates = {key: n for key, n in counts.items() if n >= floor}

    other_counts, n_others = _count_keys(finder, others, set(candidates))
    scores = {}
    for key, n in candidates.items():
        # Smoothed log ratio of how often complaints and other mentions use the phrase.
        ratio = 1.0 if not n_others else math.log(
            ((n + 0.5) / (len(complaints) + 1)) / ((other_counts[key] + 0.5) / (n_others + 1))
        )
        if ratio > 0:
            scores[key] = n * ratio
    chosen = _merge(sorted(scores, key=lambda k: (-scores[k], k)), candidates, limit)

    previous_counts, n_previous = _count_keys(finder, previous, set(chosen))
    examples, surfaces = _examples(finder, complaints, chosen)
    topics = [
        Topic(
            phrase=_display(key, surfaces),
            count=candidates[key], previous_count=previous_counts[key],
            trend=_trend(candidates[key], previous_counts[key]), example_ids=tuple(examples[key]),
        )
        for key in chosen
    ]
    return ComplaintInsights(complaints=len(complaints), previous_complaints=n_previous, topics=topics)


def _count_keys(finder: PhraseFinder, texts: Iterable[str], keys: set[str]) -> tuple[Counter, int]:
    counts, n = Counter(), 0
    for text in texts:
        n += 1
        counts.update(finder.phrases(text) & keys)
    return counts, n


def _merge(ranked: list[str], counts: dict[str, int], limit: int) -> list[str]:
    chosen: list[str] = []
    for key in ranked:
        padded = f" {key} "
        inside = [c for c in chosen if f" {c} " in padded]  # shorter chosen phrases this one contains
        if inside:
            replaced = [c for c in inside if counts[key] >= MERGE_SHARE * counts[c]]
            if replaced:  # the longer wording says the same thing more precisely
                at = chosen.index(replaced[0])
                chosen[at] = key
                chosen = [c for c in chosen if c not in replaced[1:]]
            continue
        around = [c for c in chosen if padded in f" {c} "]  # longer chosen phrases containing this one
        if any(counts[key] < 2 * counts[c] for c in around):
            continue  # mostly said through that longer phrase already
        if len(chosen) < limit:
            chosen.append(key)
    return chosen


def _examples(finder: PhraseFinder, complaints: Sequence[tuple[int, str]], chosen: list[str]):
    """Up to EXAMPLES mention ids per topic, in the order given, and how the topic's words
    are really written (with their accents) in those mentions."""
    examples: dict[str, list[int]] = {key: [] for key in chosen}
    words, missing, surfaces = {w for key in chosen for w in key.split()}, set(chosen), defaultdict(Counter)
    for mention_id, text in complaints:
        if not missing:
            break
        hits = finder.phrases(text) & missing
        for key in hits:
            examples[key].append(mention_id)
            if len(examples[key]) == EXAMPLES:
                missing.discard(key)
        if hits:
            _written_forms(finder, text, words, surfaces)
    return examples, surfaces


def _written_forms(finder: PhraseFinder, text: str, words: set[str], surfaces: dict[str, Counter]) -> None:
    for written in finder.words(text):
        kind = finder.kinds.get(written, BREAK)  # every word was seen when its phrases were found
        if kind is not BREAK and kind[0] in words:
            written = written.lstrip("#'")
            surfaces[kind[0]][written if kind[1] else written.rstrip("'")] += 1


def _display(key: str, surfaces: dict[str, Counter]) -> str:
    """The key's words as most often written: "probleme d' electricite" → "problème d'électricité"."""
    words = (surfaces[w].most_common(1)[0][0] if surfaces[w] else w for w in key.split())
    return " ".join(words).replace("' ", "'")


def _trend(count: int, previous: int) -> str:
    if not previous:
        return "new"
    if count >= 1.25 * previous and count - previous >= MIN_COUNT:
        return "rising"
    if count <= 0.8 * previous and previous - count >= MIN_COUNT:
        return "falling"
    return "steady"


def complaint_insights(
    *, start: datetime, end: datetime, brand: Brand | None = None, language: str = "", limit: int = 10,
    brand_ids: set[int] | None = None,
) -> ComplaintInsights:
    """Complaint topics of a brand (or of all brands) for [start, end), compared with the
    period of equal length just before. language: "fr", "en" or "" for every language."""
    if start.tzinfo is None or end.tzinfo is None:  # a naive date means nothing to users in several zones
        raise ValueError(_("The period's start and end need a time zone."))
    if start >= end:
        raise ValueError(_("The start of the period must come before its end."))
    mentions, brands = Mention.objects.all(), Brand.objects.all()
    if brand is not None:
        mentions, brands = mentions.filter(brand=brand), brands.filter(pk=brand.pk)
    if brand_ids is not None:  # the brands the reader works on
        mentions, brands = mentions.filter(brand_id__in=brand_ids), brands.filter(pk__in=brand_ids)
    if language:
        mentions = mentions.filter(language__istartswith=language)
    current = mentions.filter(posted_at__gte=start, posted_at__lt=end)
    complaints = current.filter(label=Label.COMPLAINT)
    previous = mentions.filter(label=Label.COMPLAINT, posted_at__gte=start - (end - start), posted_at__lt=start)
    others = current.exclude(label=Label.COMPLAINT).order_by("-posted_at")[:OTHER_SAMPLE]
    ignore = [word for name, own in brands.values_list("name", "own_accounts") for word in (name, *own.split())]
    # The most shared complaints first: they make the best examples.
    complaints = complaints.order_by((F("reposts_count") + F("quotes_count")).desc(), "-likes_count", "-id")
    return complaint_topics(
        complaints=[(pk, _text(title, text)) for pk, title, text in
                    complaints.values_list("id", "title", "text").iterator(chunk_size=5000)],
        previous=(_text(*row) for row in previous.values_list("title", "text").iterator(chunk_size=5000)),
        others=(_text(*row) for row in others.values_list("title", "text")),
        ignore_words=ignore, limit=limit,
    )


def _text(title: str, text: str) -> str:
    return f"{title}\n{text}" if title else text
