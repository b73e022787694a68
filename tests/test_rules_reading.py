"""Honest reading (#19.3): what was not read, and why; extra columns; years outside the rules."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lantern.cli import app
from lantern.ingest.detect import detect

runner = CliRunner()
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2010,WBRI,A123456789012,,\n"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN{extra}\n"
            "1,01/05/2024,S,C2,N1,T0,,,,,AB1 2CD,AB3 4EF,SC123456{value}\n")


def _validate(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args],
                           env={"LANTERN_HOME": str(tmp_path / "home"), "COLUMNS": "300"})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_folder_of_unreadable_files_exits_1_naming_each(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"PK")
    (folder / "episodes.csv").write_text("CHILD,DECOM\n1,01/05/2024\n")
    code, out = _validate(tmp_path, str(folder))
    assert code == 1
    assert f"no statutory return or extract recognised in {folder}" in out
    assert f"skipped: {folder / 'notes.docx'}: .docx is not .csv, .xml or .xlsx" in out
    assert f"skipped: {folder / 'episodes.csv'}: columns" in out
    assert "0 files" not in out


def test_an_unrecognised_file_beside_a_return_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "2025"
    folder.mkdir()
    (folder / "header.csv").write_text(HEADER)
    (folder / "episodes.csv").write_text(EPISODES.format(extra="", value=""))
    (folder / "readme.md").write_text("returns")
    _, out = _validate(tmp_path, str(folder))
    assert f"skipped: {folder / 'readme.md'}: .md is not .csv, .xml or .xlsx" in out
    assert "2 files" in out


def test_extra_columns_are_checked_with_a_warning_naming_them(tmp_path: Path) -> None:
    folder = tmp_path / "2025"
    folder.mkdir()
    (folder / "header.csv").write_text(HEADER)
    episodes = folder / "episodes.csv"
    episodes.write_text(EPISODES.format(extra=",LA_NOTE,WORKER", value=",note,W1"))
    d = detect(episodes, year=2025)
    assert (d.format, d.table, d.extra) == ("ssda903", "Episodes", ("LA_NOTE", "WORKER"))
    code, out = _validate(tmp_path, str(folder))
    assert code == 1
    assert "has columns the SSDA903 Episodes table does not: LA_NOTE, WORKER" in out
    # the episode was still checked: a period of care starting in a temporary placement
    assert "903:380" in out


def test_the_largest_table_a_file_holds_wins(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,DUC\n")
    assert detect(header).table == "Header" and detect(header).extra == ("DUC",)


def test_a_year_outside_the_rule_sets_is_checked_against_the_nearest(tmp_path: Path) -> None:
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "header.csv").write_text(HEADER.replace("01/01/2010", "01/01/2005"))
    (folder / "episodes.csv").write_text(
        EPISODES.format(extra="", value="").replace("01/05/2024", "01/05/2018"))
    _, out = _validate(tmp_path, str(folder))
    assert ("note: a 2018-19 ssda903 return is outside the years Lantern has rules for "
            "(2022-23 to 2026-27): checked against the 2022-23 rules") in out
    assert "903:380" in out


def test_dates_parse_as_strptime_does() -> None:
    from datetime import datetime

    from lantern.ingest.rules.engine import parse_date

    cases = ["01/05/2024", "1/5/2024", "31/02/2024", "29/02/2024", "29/02/2023", "2024-05-01",
             "2024-5-1", "01/05/24", "01-05-2024", " 01/05/2024 ", "001/05/2024", "",
             "\u0660\u0661/\u0660\u0665/\u0662\u0660\u0662\u0664", "31/12/9999", "00/01/2024"]
    for text in cases:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                want = datetime.strptime(text.strip(), fmt).date()
            except ValueError:
                want = None
            assert parse_date(text, fmt) == want, (text, fmt)
