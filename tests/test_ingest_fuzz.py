"""Bad input never crashes: mutated CSV, XML and XLSX always give problems, not tracebacks."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from lantern.formats.annex_a import write_annex_a
from lantern.ingest.pipeline import validate_paths
from lantern.ingest.source import Problem
from tests.formats_fixtures import dataset
from tests.ingest_fixtures import GENERATED, write_returns
from tests.ingest_fixtures import settings as lantern_settings

_BASE = Path(tempfile.mkdtemp(prefix="lantern-fuzz-"))
_FILES = write_returns(_BASE, (2024,))[2024]
CIN = _FILES[0].read_bytes()
HEADER = next(f for f in _FILES if f.name == "header.csv").read_bytes()
EPISODES = next(f for f in _FILES if f.name == "episodes.csv").read_bytes()
_xlsx = write_annex_a(dataset(), _BASE / "annex.xlsx", start=date(2023, 4, 1),
                      end=date(2024, 3, 31))
XLSX = _xlsx.read_bytes()
assert GENERATED  # the files above are reproducible

JUNK = [b"\x00\xff\xfe", b"\xef\xbb\xbf", b"\xff\xfe", "é".encode("latin-1"), b"31/02/2024",
        b"2024-02-31", b"<", b"</Child>", b'"', b",,,,", b"\n", b"A" * 200_000]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "insert", "replace", "prefix"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        piece = draw(st.one_of(st.sampled_from(JUNK), st.binary(max_size=40)))
        if kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = piece
        elif kind == "replace":
            data[at:at + len(piece)] = piece
        else:
            data[0:0] = piece
    return bytes(data)


def _check(tmp: Path, name: str, content: bytes, *extra: tuple[str, bytes]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp))
    (folder / name).write_bytes(content)
    for other, body in extra:
        (folder / other).write_bytes(body)
    outcome = validate_paths([folder], year=2024, settings=lantern_settings(folder / "home"))
    for p in outcome.problems:
        assert isinstance(p, Problem) and p.file and p.rule_id and p.message
        assert p.one_line()
    if outcome.problems:
        assert outcome.report_csv is not None and outcome.report_csv.exists()


FUZZ = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(content=mutated(CIN))
def test_mutated_cin_xml(content: bytes) -> None:
    _check(_BASE, "CIN_Census_2024.xml", content)


@FUZZ
@given(content=mutated(EPISODES))
def test_mutated_ssda903_csv(content: bytes) -> None:
    _check(_BASE, "episodes.csv", content, ("header.csv", HEADER))


@settings(max_examples=10, deadline=None)
@given(content=mutated(XLSX))
def test_mutated_annex_a_xlsx(content: bytes) -> None:
    _check(_BASE, "annex.xlsx", content)


def _problems(tmp: Path, name: str, content: bytes) -> list[Problem]:
    folder = tmp / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return validate_paths([folder / name], year=2024, settings=lantern_settings(tmp)).problems


def test_truncated_xml_is_a_located_error(tmp_path: Path) -> None:
    found = _problems(tmp_path, "CIN.xml", CIN[: len(CIN) // 2])
    assert any(p.rule_id == "read-xml" and p.locator.startswith("line ") for p in found)


def test_binary_junk_csv_is_an_error(tmp_path: Path) -> None:
    found = _problems(tmp_path, "episodes.csv", EPISODES[:40] + b"\x00\x01\x02junk")
    assert found and all(p.severity in ("error", "warning") for p in found)


def test_bom_and_impossible_date(tmp_path: Path) -> None:
    lines = EPISODES.decode().splitlines()
    first = lines[1].split(",")
    first[1] = "31/02/2024"
    body = "\n".join([lines[0], ",".join(first), *lines[2:]]).encode()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "header.csv").write_bytes(HEADER)
    found = _problems(tmp_path, "episodes.csv", b"\xef\xbb\xbf" + body)
    bad = [p for p in found if p.value == "31/02/2024"]
    assert bad and bad[0].field == "DECOM" and bad[0].locator == "row 2"


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    body = HEADER.replace(b"WBRI", "WBRI\u00e9".encode("cp1252"), 1)
    found = _problems(tmp_path, "header.csv", body)
    assert any(p.rule_id == "read-encoding" and p.severity == "warning" for p in found)


def test_huge_field_is_an_error(tmp_path: Path) -> None:
    found = _problems(tmp_path, "header.csv", HEADER + b"X" * 50_000 + b",1,01/01/2010,,,,\n")
    assert any(p.rule_id == "read-field-size" for p in found)


def test_empty_and_non_workbook_files(tmp_path: Path) -> None:
    assert any(p.rule_id == "read-xlsx" for p in _problems(tmp_path, "a.xlsx", b"PK\x03\x04no"))
    empty = _problems(tmp_path, "episodes.csv", b"")
    assert [p.rule_id for p in empty] == ["read-unrecognised"]
    assert "no readable header row" in empty[0].message
    wb = Workbook()
    wb.active.title = "Notes"
    buf = io.BytesIO()
    wb.save(buf)
    assert any(p.rule_id == "read-no-lists" for p in _problems(tmp_path, "b.xlsx",
                                                                buf.getvalue()))
