"""SSDA903 XML returns (root EXPSSDA903): read into the same tables as the CSVs, checked alike."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from lantern.config import Settings
from lantern.formats.ssda903 import FILE_NAMES, SSDA903_COLUMNS
from lantern.ingest.detect import detect
from lantern.ingest.pipeline import validate_paths
from lantern.ingest.readers.ssda903 import read_ssda903_xml

RETURN = """<?xml version='1.0' encoding='utf-8'?>
<EXPSSDA903>
 <CHILD>
  <HEADER><CHILDID>101</CHILDID><UPN>A123456789012</UPN><SEX>M</SEX><DOB>01/01/2010</DOB>
   <ETHNIC>WBRI</ETHNIC><UASC/>
   <AREVIEW><REVIEW>01/06/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
   <AREVIEW><REVIEW>01/12/2024</REVIEW><REVIEW_CODE>PN9</REVIEW_CODE></AREVIEW>
   <AMISSING><MISSING>M</MISSING><MIS_START>01/07/2024</MIS_START><MIS_END/></AMISSING>
   <MOTHER/><MC_DOB/>
   <PERMANENCE><PREV_PERM>Z1</PREV_PERM><LA_PERM/><DATE_PERM/></PERMANENCE>
  </HEADER>
  <EPISODE><DECOM>01/05/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>T0</PL>
   <PL_POST>AB3 4EF</PL_POST><HOME_POST>AB1 2CD</HOME_POST><URN/><PLACE_PROVIDER/>
   <DEC>01/06/2024</DEC><REC>X1</REC><REASON_PLACE_CHANGE/></EPISODE>
  <EPISODE><DECOM>01/06/2024</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>U4</PL>
   <PL_POST>AB3 4EF</PL_POST><HOME_POST>AB1 2CD</HOME_POST><URN>SC123456</URN>
   <PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC/><REC/><REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>
  </EPISODE>
 </CHILD>
 <CHILD>
  <HEADER><CHILDID>102</CHILDID><UPN>UN2</UPN><SEX>F</SEX><DOB>01/06/2006</DOB>
   <ETHNIC>REFU</ETHNIC><UASC><DUC>01/06/2024</DUC></UASC>
   <IN_TOUCH>YES</IN_TOUCH><ACTIV>F1</ACTIV><ACCOM>S1</ACCOM><MOTHER/><MC_DOB/>
  </HEADER>
 </CHILD>
</EXPSSDA903>
"""


def _write(tmp_path: Path) -> Path:
    folder = tmp_path / "xml" / "2025"
    folder.mkdir(parents=True)
    path = folder / "ssda903_return.xml"
    path.write_text(RETURN, encoding="utf-8")
    return path


def test_the_xml_root_is_recognised_with_its_year(tmp_path: Path) -> None:
    d = detect(_write(tmp_path), root=tmp_path / "xml")
    assert (d.format, d.table, d.year) == ("ssda903", "return", 2025)


def test_each_element_becomes_a_row_of_its_table(tmp_path: Path) -> None:
    got = read_ssda903_xml(_write(tmp_path), 2025)
    assert not got.problems and not got.notes
    tables = {t.name: t for t in got.tables}
    assert sorted(tables) == ["Episodes", "Header", "Missing", "OC3", "PrevPerm", "Reviews",
                              "UASC"]
    assert [r["CHILD"] for r in tables["Header"].rows] == ["101", "102"]
    assert tables["Episodes"].rows[0]["PLACE"] == "T0"  # <PL> is the PLACE column
    assert tables["Episodes"].locators == ["/EXPSSDA903/CHILD[1]/EPISODE[1]",
                                           "/EXPSSDA903/CHILD[1]/EPISODE[2]"]
    assert tables["Reviews"].rows[1] == {"CHILD": "101", "DOB": "01/01/2010",
                                         "REVIEW": "01/12/2024", "REVIEW_CODE": "PN9"}
    assert tables["Reviews"].locators[1] == "/EXPSSDA903/CHILD[1]/HEADER/AREVIEW[2]"
    # <UASC/> is no row; <UASC><DUC> is, with the child's sex
    assert tables["UASC"].rows == [{"CHILD": "102", "SEX": "F", "DOB": "01/06/2006",
                                    "DUC": "01/06/2024"}]
    assert tables["OC3"].locators == ["/EXPSSDA903/CHILD[2]/HEADER"]


def _as_csvs(tmp_path: Path) -> Path:
    """The same return as one CSV per table."""
    folder = tmp_path / "csv" / "2025"
    folder.mkdir(parents=True)
    for t in read_ssda903_xml(_write(tmp_path / "src"), 2025).tables:
        with (folder / FILE_NAMES[t.name]).open("w", newline="") as fh:
            w = csv.DictWriter(fh, SSDA903_COLUMNS[t.name])
            w.writeheader()
            w.writerows([{k: v or "" for k, v in r.items()} for r in t.rows])
    return folder


def test_the_xml_is_checked_exactly_as_the_same_csvs(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    xml = validate_paths([_write(tmp_path).parent], settings=settings, write=False)
    csvs = validate_paths([_as_csvs(tmp_path)], settings=settings, write=False)

    def key(p: object) -> tuple[str, str, str | None]:
        return (p.rule_id, p.field, p.value)  # type: ignore[attr-defined]
    assert Counter(map(key, xml.problems)) == Counter(map(key, csvs.problems))
    # care starting in a temporary placement, review code PN9, accommodation S1, and UASC
    # data for a care leaver not looked after in the year (1014)
    assert sorted((p.rule_id, p.locator) for p in xml.problems) == [
        ("903:1014", "/EXPSSDA903/CHILD[2]/HEADER/UASC[1]"),
        ("903:133", "/EXPSSDA903/CHILD[2]/HEADER"),
        ("903:167", "/EXPSSDA903/CHILD[1]/HEADER/AREVIEW[2]"),
        ("903:380", "/EXPSSDA903/CHILD[1]/EPISODE[1]")]


def test_a_broken_xml_return_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = _write(tmp_path)
    path.write_text(RETURN[:400], encoding="utf-8")
    got = read_ssda903_xml(path, 2025)
    assert [p.rule_id for p in got.problems] == ["read-xml"]


def test_a_uasc_status_item_is_read_and_checked(tmp_path: Path) -> None:
    # <UASC>0</UASC> with a DUC beside it: the status is an item of the header (105, 303)
    folder = tmp_path / "status" / "2025"
    folder.mkdir(parents=True)
    path = folder / "ssda903_return.xml"
    path.write_text(RETURN.replace("<ETHNIC>WBRI</ETHNIC><UASC/>",
                                   "<ETHNIC>WBRI</ETHNIC><UASC>0</UASC><DUC>01/01/2028</DUC>"),
                    encoding="utf-8")
    got = read_ssda903_xml(path, 2025)
    tables = {t.name: t for t in got.tables}
    assert "UASC" in tables["Header"].columns
    assert [r["UASC"] for r in tables["Header"].rows] == ["0", None]
    assert [r["DUC"] for r in tables["UASC"].rows] == ["01/01/2028", "01/06/2024"]
    checked = validate_paths([folder], settings=Settings(home=tmp_path / "home"), write=False)
    flagged = {(p.rule_id, p.locator) for p in checked.problems}
    assert ("903:303", "/EXPSSDA903/CHILD[1]/HEADER") in flagged
    assert ("903:105", "/EXPSSDA903/CHILD[2]/HEADER") in flagged  # 102 states no status
