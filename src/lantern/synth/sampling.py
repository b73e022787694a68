"""Random draws (stdlib `random.Random` only, so output is reproducible from a seed)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")


class Rng(random.Random):
    """random.Random with the few distributions the simulator needs."""

    def chance(self, p: float) -> bool:
        return self.random() < p

    def poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 40:  # normal approximation: exact enough and O(1)
            return max(0, round(self.gauss(lam, math.sqrt(lam))))
        limit, k, prod = math.exp(-lam), 0, self.random()
        while prod > limit:
            k += 1
            prod *= self.random()
        return k

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        """One item from (item, weight) pairs."""
        cum = list(accumulate(w for _, w in weighted))
        return weighted[bisect_right(cum, self.random() * cum[-1])][0]

    def days(self, d: date, lo: int, hi: int) -> date:
        return d + timedelta(days=self.randint(lo, hi))

    def day_in_month(self, first: date, last: date) -> date:
        return first + timedelta(days=self.randint(0, (last - first).days))


class Table(Sequence[T]):
    """A fixed weighted table sampled in O(log n) (precomputed cumulative weights)."""

    def __init__(self, weighted: Sequence[tuple[T, float]]) -> None:
        self.items = [i for i, _ in weighted]
        self.cum = list(accumulate(w for _, w in weighted))

    def draw(self, rng: random.Random) -> T:
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]

    def __getitem__(self, i: int) -> T:  # type: ignore[override]
        return self.items[i]

    def __len__(self) -> int:
        return len(self.items)


class Quota:
    """Error-diffusion draws: over any run of calls the share of True tracks p closely.

    Used where a monthly percentage is the point of the story (ICPC and visit
    timeliness), so the month-on-month decline is not drowned by binomial noise.
    """

    def __init__(self, offset: float) -> None:
        self.acc = offset

    def draw(self, p: float) -> bool:
        self.acc += p
        if self.acc >= 1.0:
            self.acc -= 1.0
            return True
        return False


class Quotas:
    """One Quota per key (e.g. per month end), created on first use."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_key: dict[int, Quota] = {}

    def draw(self, key: int, p: float) -> bool:
        q = self.by_key.get(key)
        if q is None:
            q = self.by_key[key] = Quota(self.rng.random())
        return q.draw(p)

