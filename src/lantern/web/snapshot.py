"""A per-process, read-only, in-memory copy of the warehouse that requests read from.

Opening the warehouse file for every request cost about 30 ms, and a connection held
open takes DuckDB's file lock, which would stop `lantern ingest` (another process)
writing the file. So the app copies the warehouse into an in-memory DuckDB database
(``ATTACH ... (READ_ONLY)``, ``COPY FROM DATABASE``, ``DETACH``: the file is locked only
while it is copied: 1.9 s for the demo authority) and gives each request a
cursor on the copy. The copy also holds every child's chronology in one table ordered
by child (`casework.prepare_chronology`): a child's page reads it with one small scan.

Every request checks the file's stamp (inode, size, modification time, and the same for
its write-ahead log); when it has changed, the file is copied again, so the request
after a load sees the new data. While a load holds the file
(DuckDB refuses the copy) requests keep reading the previous copy.

The stamp is part of every cache key (`web.cache`), so figures computed from an older
copy are never served for a newer one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lantern import casework
from lantern.warehouse.meta import Authority, read_authority
from lantern.web.cache import ASSURANCE, RESULTS

COPY = "lantern_copy"  # the in-memory database's name

#: (inode, size, mtime_ns) of the warehouse file and of its write-ahead log (or None).
Stamp = tuple[int, int, int, tuple[int, int, int] | None]


class WarehouseBusy(RuntimeError):
    """The warehouse is being written and no earlier copy is held."""


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def stamp_of(path: Path) -> Stamp | None:
    """The file's stamp, or None when there is no warehouse file."""
    main = _stat(path)
    if main is None:
        return None
    return (*main, _stat(path.with_name(path.name + ".wal")))


@dataclass(frozen=True)
class Snapshot:
    """One copy of the warehouse: ``cursor()`` for each request (cursors may be used
    from several threads at once; each is closed by its request)."""

    con: duckdb.DuckDBPyConnection
    stamp: Stamp
    authority: Authority
    seconds: float  # how long the copy took

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        cur.execute(f"USE {COPY}")
        return cur


def take(path: Path) -> Snapshot:
    """Copy the warehouse at ``path`` into memory. Raises `duckdb.IOException` when the
    file is locked by a writer."""
    t0 = time.perf_counter()
    con = duckdb.connect(":memory:")
    try:
        # A compressed in-memory database: about the size of the file, not 8 times it.
        con.execute(f"ATTACH ':memory:' AS {COPY} (COMPRESS)")
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS lantern_file (READ_ONLY)")
        try:
            # Stamped while the file is attached: no writer can change it meanwhile.
            stamp = stamp_of(path)
            con.execute(f"COPY FROM DATABASE lantern_file TO {COPY}")
        finally:
            con.execute("DETACH lantern_file")
        con.execute(f"USE {COPY}")
        authority = read_authority(con)
        casework.prepare_chronology(con)
    except Exception:
        con.close()
        raise
    if stamp is None:  # removed while copied: treat as changed at the next request
        stamp = (0, 0, 0, None)
    return Snapshot(con, stamp, authority, time.perf_counter() - t0)


def _forget(path: str, stamp: Stamp) -> None:
    """Drop the cached results computed from one copy of ``path``."""
    def stale(key: Hashable) -> bool:
        return isinstance(key, tuple) and key[:2] == (path, stamp)

    for cache in (ASSURANCE, RESULTS):
        cache.drop(stale)


class Snapshots:
    """The current copy of each warehouse file this process serves (a few at most: the
    tests serve many small warehouses from one process)."""

    def __init__(self, keep: int = 3) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.current: OrderedDict[str, Snapshot] = OrderedDict()
        self.taken = 0

    def get(self, path: Path) -> Snapshot | None:
        """The copy of ``path`` as it is now (copied again if the file has changed), the
        previous copy while a writer holds the file, or None when there is no file."""
        key = str(path.resolve())
        now = stamp_of(path)
        if now is None:
            return None
        snap = self.current.get(key)
        if snap is not None and snap.stamp == now:
            return snap
        with self.lock:  # one copy at a time; the others wait for it
            snap = self.current.get(key)
            now = stamp_of(path)
            if now is None:
                return None
            if snap is not None and snap.stamp == now:
                return snap
            try:
                fresh = take(path)
            except duckdb.IOException:
                if snap is not None:
                    return snap  # a load is writing the file: serve what we had
                raise WarehouseBusy(str(path)) from None
            # The old copy is not closed: requests still reading it hold cursors, and
            # it is freed when the last of them is done. What was computed from it
            # will not be asked for again.
            if snap is not None:
                _forget(str(path), snap.stamp)
            self.current[key] = fresh
            self.current.move_to_end(key)
            while len(self.current) > self.keep:
                self.current.popitem(last=False)
            self.taken += 1
            return fresh

    def clear(self) -> None:
        with self.lock:
            self.current.clear()


#: Shared by every app in the process, like the result caches.
SNAPSHOTS = Snapshots()
