"""The count model of crisis detection: how likely is this hour's number of complaints by chance,
given the same hour of the week in past weeks?

A share needs mentions to move. At a sparse hour (a complaint or two a week at 3:00), the only
mention of past weeks may well have been a complaint: the usual share is then 100 %, and fifty
complaints in one hour can't raise it. Their number can. Complaints per hour are modelled as
Poisson around the usual level of that hour of the week, or negative-binomial when past weeks
varied more than Poisson noise (a brand whose 3:00 swings between 0 and 6 is not surprised by
5). The usual level never falls below a floor, so an hour that was always empty doesn't make
two complaints an event; the busiest past week is left out, so one past crisis doesn't raise
the bar for the next."""

import math
import statistics
from dataclasses import dataclass

BASELINE_FLOOR = 0.5  # complaints per hour: the least the usual level is taken to be
# The chance, under the model, of at least this hour's complaints. Each brand is checked 8,760
# hours a year: at one in a million, chance alone pages someone about once a century per brand,
# and fifty complaints where one is usual is still far beyond it (about 1e-65).
BURST_CHANCE = 1e-6
MIN_WEEKS_TO_TRIM = 4  # with fewer past weeks, every one of them counts


@dataclass(frozen=True)
class CountBaseline:
    usual: float  # mean complaints in this hour of the week, at least BASELINE_FLOOR
    size: float | None = None  # negative-binomial size (dispersion); None: Poisson

    def chance_of_at_least(self, seen: int) -> float:
        """P(X ≥ seen) under the model. 1.0 at or below the usual level: only surprises above
        it matter here."""
        if seen <= self.usual:
            return 1.0
        return math.exp(min(0.0, self._log_pmf(seen) + math.log(self._tail_sum(seen))))

    def _log_pmf(self, x: int) -> float:
        mu, k = self.usual, self.size
        if k is None:
            return -mu + x * math.log(mu) - math.lgamma(x + 1)
        return (math.lgamma(x + k) - math.lgamma(k) - math.lgamma(x + 1)
                + k * math.log(k / (k + mu)) + x * math.log(mu / (k + mu)))

    def _tail_sum(self, start: int) -> float:
        """Σ pmf(x)/pmf(start) for x ≥ start, by the ratio of successive terms (below 1 past the
        usual level, so the sum converges; stopped when a term no longer counts)."""
        mu, k = self.usual, self.size
        total, term, x = 1.0, 1.0, start
        while term > 1e-12 * total and x < start + 100_000:
            term *= (mu / (x + 1)) if k is None else (x + k) / (x + 1) * mu / (k + mu)
            total += term
            x += 1
        return total


def count_baseline(counts: list[int]) -> CountBaseline:
    """The usual complaints of one hour of the week, from that hour in past weeks."""
    values = sorted(counts)
    if len(values) >= MIN_WEEKS_TO_TRIM:
        values = values[:-1]
    mean = statistics.fmean(values) if values else 0.0
    variance = statistics.variance(values) if len(values) > 1 else 0.0
    usual = max(mean, BASELINE_FLOOR)
    # Method of moments: variance = mean + mean² / size. Only when past weeks spread wider than
    # Poisson noise; otherwise Poisson, the narrowest honest model.
    size = mean * mean / (variance - mean) if mean >= BASELINE_FLOOR and variance > mean else None
    return CountBaseline(usual=usual, size=size)
