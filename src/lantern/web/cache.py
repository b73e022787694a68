"""A small in-process LRU cache for expensive, read-only results (a month's indicators).

Keys begin with the warehouse file and its stamp (`web.snapshot`), so a new load is
picked up at the next request, and the entries of a replaced copy are dropped with it.
One computation per key at a time: concurrent requests for the same key wait for the
first instead of repeating it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class LruCache:
    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.key_locks: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
            key_lock = self.key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self.lock:
                if key in self.items:
                    self.hits += 1
                    return self.items[key]
            value = make()
            with self.lock:
                self.misses += 1
                self.items[key] = value
                self.items.move_to_end(key)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
                self.key_locks.pop(key, None)
            return value

    def held(self) -> list[Hashable]:
        """The keys held now, copied under the lock: another thread may be adding one."""
        with self.lock:
            return list(self.items)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def drop(self, stale: Callable[[Hashable], bool]) -> int:
        """Forget the entries whose keys are ``stale``; how many were dropped."""
        with self.lock:
            gone = [k for k in self.items if stale(k)]
            for k in gone:
                del self.items[k]
            return len(gone)


#: Shared by every app in the process (tests create several apps over one warehouse).
ASSURANCE = LruCache(24)  # every month the app offers (each read from the store, ~3 MB)
RESULTS = LruCache(1024)  # per month: scorecard rows, breakdown groups, charts
