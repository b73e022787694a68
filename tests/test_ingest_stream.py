"""A CIN census is checked and loaded a chunk of children at a time: same answers, flat memory.

The chunk size is a memory setting, never a behaviour: problems found and rows loaded
must not depend on it, a child's rows never straddle two chunks, a rule that compares a
field across the whole file (LAchildID unique, DfE 8510) still sees every row, and the
scratch records are removed after a load.
"""

from __future__ import annotations

import re
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest

from lantern.formats.cin_census import write_cin_census
from lantern.formats.upn import with_check_letter
from lantern.ingest import spill as spill_module
from lantern.ingest.pipeline import ingest_paths, validate_paths
from lantern.ingest.readers import cin as cin_reader
from lantern.ingest.readers.cin import iter_cin, read_cin
from lantern.ingest.rules import RULES, validate
from lantern.synth import load_scenario, simulate
from tests.ingest_fixtures import no_rules, settings, snapshot, write_returns

CHILD = re.compile(r"<Child>.*?</Child>", re.S)
CHILD_ID = re.compile(r"<LAchildID>([^<]*)</LAchildID>")
UPN = re.compile(r"<UPN>([^<]*)</UPN>")


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulated default authority's 2024 CIN census, with deliberate errors."""
    data = simulate(load_scenario("torbay"), seed=7, start=date(2023, 4, 1),
                    end=date(2024, 3, 31))
    out = tmp_path_factory.mktemp("census")
    path = write_cin_census(data, out / "CIN_Census_2024.xml", collection_year=2024,
                            la_code="880", generated=datetime(2024, 5, 1))
    text = path.read_text(encoding="utf-8")
    children = CHILD.findall(text)
    assert len(children) > 1_000
    first_id = CHILD_ID.search(children[0])
    assert first_id is not None
    broken = list(children)
    # The first child's id again, far away (another chunk); a bad code; an impossible date.
    broken[-3] = CHILD_ID.sub(f"<LAchildID>{first_id.group(1)}</LAchildID>", broken[-3], count=1)
    upns = [m.group(1) for c in children if (m := UPN.search(c))]
    assert len(upns) > 100 and len(set(upns)) == len(upns)
    # A UPN given to a second child, far away (DfE 1520).
    broken[-40] = UPN.sub(f"<UPN>{upns[0]}</UPN>", broken[-40], count=1)
    broken[500] = re.sub(r"<ReferralSource>[^<]*<", "<ReferralSource>ZZ<", broken[500], count=1)
    broken[900] = re.sub(r"<CINreferralDate>[^<]*<", "<CINreferralDate>2024-02-31<",
                         broken[900], count=1)
    # 3 % of the children with sex "not known" (in the first chunks): DfE's return-level
    # query 2886Q (more than 2 %) is about the whole file, once
    for i in range(0, len(broken), 33):
        broken[i] = re.sub(r"<GenderCurrent>[^<]*<", "<GenderCurrent>0<", broken[i], count=1)
    head, _, rest = text.partition("<Children>")
    tail = rest[rest.rindex("</Children>"):]
    bad = out / "bad" / "CIN_Census_2024.xml"
    bad.parent.mkdir()
    bad.write_text(head + "<Children>" + "".join(broken) + tail, encoding="utf-8")
    return bad


def _found(problems: list) -> set[tuple[str, str, str, str | None]]:
    return {(p.rule_id, p.locator, p.field, p.value) for p in problems}


def test_chunks_hold_whole_children_and_add_up_to_the_file(census: Path) -> None:
    whole = {t.name: t for t in read_cin(census).tables}
    seen: dict[str, list[dict]] = {name: [] for name in whole}
    owners: dict[str, int] = {}
    chunks = list(iter_cin(census, chunk_children=97))
    assert len(chunks) > 10
    for n, chunk in enumerate(chunks):
        names = {t.name for t in chunk.tables}
        assert "Header" in names and all(t.collection_year == 2024 for t in chunk.tables)
        for t in chunk.tables:
            if t.name == "Header":
                continue
            seen[t.name] += t.rows
            for row in t.rows:  # a child (by its position in the file) is in one chunk
                assert owners.setdefault(str(row["child_index"]), n) == n
    for name, t in whole.items():
        if name != "Header":
            assert seen[name] == t.rows, name


def test_problems_do_not_depend_on_the_chunk_size(census: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    whole = read_cin(census)
    expected = _found(validate(whole.tables))  # every rule over the whole file at once
    # the bad ReferralSource is DfE 8866's (missing or invalid source of referral)
    assert {"cin:8510", "cin:1520", "cin:8866", "cin:date"} <= {p[0] for p in expected}
    for rule_id in ("cin:8510", "cin:1520"):  # each of the pair once, not found twice
        assert len([p for p in expected if p[0] == rule_id]) == 2, rule_id
    assert [p[1] for p in expected if p[0] == "cin:2886Q"] == ["ChildIdentifiers"]
    for size in (50, 100_000):
        monkeypatch.setattr(cin_reader, "CHUNK_CHILDREN", size)
        got = validate_paths([census], settings=settings(tmp_path), write=False)
        assert _found([p for p in got.problems if p.rule_id in RULES]) == expected, size
        assert got.rows_read() == sum(len(t) for t in whole.tables)


def test_loading_in_small_batches_gives_the_same_warehouse(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    files = write_returns(tmp_path / "returns")
    paths = [p for year in sorted(files) for p in files[year]]

    def load(home: Path) -> dict:
        outcome = ingest_paths(paths, settings=settings(home), la="880", check=no_rules)
        assert outcome.loaded, outcome.validation.first_problems()
        return snapshot(home, lineage=False)

    default = load(tmp_path / "default")
    monkeypatch.setattr(cin_reader, "CHUNK_CHILDREN", 1)
    monkeypatch.setattr(spill_module, "BATCH_CHILDREN", 1)
    assert load(tmp_path / "tiny") == default
    assert sum(len(rows) for rows in default.values()) > 50


def test_the_scratch_records_live_under_home_and_are_removed(tmp_path: Path) -> None:
    files = write_returns(tmp_path / "returns", years=(2024,))
    home = tmp_path / "home"
    made: list[Path] = []
    real = spill_module.RecordSpill.__init__

    def spy(self: spill_module.RecordSpill, where: Path) -> None:
        real(self, where)
        made.append(self.dir)

    spill_module.RecordSpill.__init__ = spy  # type: ignore[method-assign]
    try:
        outcome = ingest_paths(files[2024], settings=settings(home), check=no_rules)
    finally:
        spill_module.RecordSpill.__init__ = real  # type: ignore[method-assign]
    assert outcome.loaded and made
    assert all(d.parent == home for d in made)
    assert not any(d.exists() for d in made)
    assert not list(home.glob("spill-*"))


def test_memory_does_not_grow_with_the_number_of_children(census: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Python's peak allocation validating a file 4x as big stays under twice as much
    (holding the rows, as before chunking, grew it about 4x). What still grows is the
    index of ids the duplicate rules must remember: 1,000 -> 4,000 children took the
    peak from 2.5 to 3.5 MB, a few hundred bytes a child."""
    text = census.read_text(encoding="utf-8")
    head, _, rest = text.partition("<Children>")
    _, _, tail = rest.rpartition("</Children>")
    body = "".join(CHILD.findall(rest)[:1_000])

    def copies(n: int) -> Path:
        def copy(k: int) -> str:  # distinct child ids and (valid) UPNs in each copy
            ids = CHILD_ID.sub(lambda m: f"<LAchildID>{k}x{m.group(1)}</LAchildID>", body)
            return UPN.sub(lambda m: f"<UPN>{with_check_letter(str(k) + m.group(1)[2:])}</UPN>",
                           ids)

        parts = [copy(k) for k in range(n)]
        path = tmp_path / f"x{n}" / "CIN_Census_2024.xml"
        path.parent.mkdir()
        path.write_text(head + "<Children>" + "".join(parts) + "</Children>" + tail,
                        encoding="utf-8")
        return path

    monkeypatch.setattr(cin_reader, "CHUNK_CHILDREN", 100)
    paths = {n: copies(n) for n in (1, 4)}
    # A first, untraced run fills the process's caches (code sets, rules, parsers), so
    # neither traced run is charged for them: the peaks then depend on the file alone,
    # whichever tests this process ran before.
    validate_paths([paths[1]], settings=settings(tmp_path), write=False)
    peaks = {}
    for n, path in paths.items():
        tracemalloc.start()
        got = validate_paths([path], settings=settings(tmp_path), write=False)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert got.errors > 0
    assert peaks[4] < peaks[1] * 2, peaks
