"""SSDA903 writer: column sets, dates, scope per table and the SEX code change."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from lantern.formats.ssda903 import FILE_NAMES, SSDA903_COLUMNS, sex_code, write_ssda903
from tests.formats_fixtures import Rows, cla_rows, dataset

Returns = dict[int, dict[str, list[dict[str, str]]]]

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "samples" / "ssda903"
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATE_COLUMNS = {"DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
                "DATE_PLACED_CEASED", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC", "MC_DOB"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Returns:
    data = dataset()
    out = {}
    for year in (2023, 2024, 2025):
        out_dir = tmp_path_factory.mktemp(f"903_{year}")
        paths = write_ssda903(data, out_dir, collection_year=year)
        assert [p.name for p in paths] == list(FILE_NAMES.values())
        out[year] = {name: _read(out_dir / FILE_NAMES[name]) for name in SSDA903_COLUMNS}
    return out


def test_every_file_has_exactly_the_statutory_columns(tmp_path: Path) -> None:
    write_ssda903(dataset(), tmp_path, collection_year=2024)
    for name, columns in SSDA903_COLUMNS.items():
        with (tmp_path / FILE_NAMES[name]).open(newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns, name


def test_columns_match_the_public_sample_files() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"public SSDA903 samples not found at {SAMPLES} (../shared beside the repo)")
    for name, columns in SSDA903_COLUMNS.items():
        with (SAMPLES / FILE_NAMES[name]).open(newline="", encoding="utf-8-sig") as fh:
            assert next(csv.reader(fh)) == columns, name


def test_dates_are_dd_mm_yyyy(returns: Returns) -> None:
    for tables in returns.values():
        for name, table in tables.items():
            for row in table:
                for col in DATE_COLUMNS & row.keys():
                    assert row[col] == "" or DATE.match(row[col]), (name, col, row[col])


def test_episode_scope_and_open_episodes(returns: Returns) -> None:
    eps24 = returns[2024]["Episodes"]
    assert [(e["CHILD"], e["DECOM"]) for e in eps24] == [
        ("L1", "10/01/2022"), ("L1", "01/06/2023"), ("L4", "01/03/2021"), ("L5", "02/05/2023")]
    first, second = eps24[0], eps24[1]
    assert (first["DEC"], first["REC"], first["REASON_PLACE_CHANGE"]) == (
        "01/06/2023", "X1", "CARPL")
    assert (second["DEC"], second["REC"], second["PLACE"]) == ("", "", "K2")
    assert first["PL_POST"] == "AB1 2CD" and first["URN"] == "SC123" and first["LS"] == "C2"
    # L2 left care in March 2022, before both years began.
    assert "L2" not in {e["CHILD"] for y in (2023, 2024) for e in returns[y]["Episodes"]}
    # In the 2022-23 return the first episode was still open on 31 March 2023.
    eps23 = [e for e in returns[2023]["Episodes"] if e["CHILD"] == "L1"]
    assert [(e["DECOM"], e["DEC"], e["REC"]) for e in eps23] == [("10/01/2022", "", "")]


def test_header_lists_every_child_in_the_return(
    returns: Returns,
) -> None:
    header = returns[2024]["Header"]
    assert [h["CHILD"] for h in header] == ["L1", "L3", "L4", "L5"]  # L3: OC3 only
    assert header[0]["UPN"] == "B123456789012"
    assert header[0]["ETHNIC"] == "WBRI"


def test_sex_codes_change_in_2025(returns: Returns) -> None:
    assert {h["CHILD"]: h["SEX"] for h in returns[2024]["Header"]}["L1"] == "2"
    assert {h["CHILD"]: h["SEX"] for h in returns[2025]["Header"]}["L1"] == "F"
    assert returns[2024]["UASC"][0]["SEX"] == "1"
    assert returns[2025]["UASC"][0]["SEX"] == "M"
    assert (sex_code("U", 2024), sex_code("U", 2025), sex_code(None, 2025)) == (None, "U", None)


def test_reviews_held_in_the_year(returns: Returns) -> None:
    reviews = returns[2024]["Reviews"]
    assert [(r["CHILD"], r["REVIEW"], r["REVIEW_CODE"]) for r in reviews] == [
        ("L1", "01/07/2023", "PN1")]  # not last year's; not the cancelled one
    assert [r["REVIEW"] for r in returns[2023]["Reviews"]] == ["01/12/2022"]  # via period id


def test_oc2_for_children_looked_after_twelve_months(
    returns: Returns,
) -> None:
    oc2 = returns[2024]["OC2"]
    assert [r["CHILD"] for r in oc2] == ["L1"]  # L5 started in May 2023
    row = oc2[0]
    assert (row["SDQ_SCORE"], row["IMMUNISATIONS"], row["TEETH_CHECK"],
            row["HEALTH_ASSESSMENT"], row["HEALTH_CHECK"]) == ("14", "1", "1", "1", "")
    assert returns[2025]["OC2"][0]["TEETH_CHECK"] == "0"  # no dental check that year


def test_oc3_ad1_placed_adoption_prev_perm(
    returns: Returns,
) -> None:
    t = returns[2024]
    assert [(r["CHILD"], r["IN_TOUCH"], r["ACTIV"], r["ACCOM"]) for r in t["OC3"]] == [
        ("L3", "YES", "F2", "U1")]
    assert returns[2025]["OC3"] == []
    ad1 = t["AD1"]
    assert [(r["CHILD"], r["DATE_INT"], r["DATE_MATCH"], r["FOSTER_CARE"], r["NB_ADOPTR"],
             r["SEX_ADOPTR"], r["LS_ADOPTR"]) for r in ad1] == [
        ("L4", "01/09/2021", "01/05/2023", "0", "2", "MF", "L11")]
    assert returns[2023]["AD1"] == []
    assert [(r["CHILD"], r["DATE_PLACED"]) for r in t["PlacedAdoption"]] == [("L4", "01/09/2021")]
    assert [(r["CHILD"], r["PREV_PERM"]) for r in t["PrevPerm"]] == [("L5", "Z1")]


def test_missing_and_social_worker_episodes(
    returns: Returns,
) -> None:
    missing = returns[2024]["Missing"]
    assert [(m["MISSING"], m["MIS_START"], m["MIS_END"]) for m in missing] == [
        ("M", "05/08/2023", "06/08/2023"), ("A", "30/03/2024", "")]  # ended after 31 March
    sw = returns[2024]["SWEpisodes"]
    assert [(s["SW_ID"], s["SW_DECOM"], s["SW_DEC"], s["SW_REASON"]) for s in sw] == [
        ("SW2", "10/01/2022", "30/06/2023", ""), ("SW3", "01/07/2023", "", "LEFTRL")]


def test_upn_unknown_code_when_no_upn_is_recorded(returns: Returns) -> None:
    upns = {r["CHILD"]: r["UPN"] for r in returns[2024]["Header"]}
    assert upns["L1"] == "B123456789012"
    assert upns["L4"] == "UN1"  # aged 4: not yet at school
    assert upns["L5"] == "UN2"  # aged 17: never at school in England as far as the record goes
    assert all(upns.values())  # rule 442: never blank


def test_oc2_items_asked_with_the_health_items_are_never_blank(returns: Returns) -> None:
    for year in (2024, 2025):
        for row in returns[year]["OC2"]:
            assert row["SUBSTANCE_MISUSE"] == "0"  # none identified in the model
            assert row["IMMUNISATIONS"] in ("0", "1")


def test_oc3_died_or_home_returns_activity_and_accommodation_as_0(tmp_path: Path) -> None:
    """Neither may be blank (the 2024 schema); 0 is the code for "not asked" (rule 344)."""
    from tests.formats_fixtures import cin_rows, cla_rows

    rows = cla_rows()
    rows["ssd_care_leavers"][0]["clea_care_leaver_in_touch"] = "RHOM"
    write_ssda903(dataset(cin_rows(), rows), tmp_path, collection_year=2024)
    oc3 = _read(tmp_path / FILE_NAMES["OC3"])
    assert [(r["IN_TOUCH"], r["ACTIV"], r["ACCOM"]) for r in oc3] == [("RHOM", "0", "0")]


def test_adopters_number_and_single_status_follow_from_their_sexes() -> None:
    from lantern.formats.ssda903 import _adopters

    blank = {"perm_number_of_adopters": None, "perm_adopter_legal_status": None}
    assert _adopters({**blank, "perm_adopter_sex": "F1"}) == {
        "NB_ADOPTR": 1, "SEX_ADOPTR": "F1", "LS_ADOPTR": "L0"}
    # a couple's legal status is never guessed
    assert _adopters({**blank, "perm_adopter_sex": "MM"}) == {
        "NB_ADOPTR": 2, "SEX_ADOPTR": "MM", "LS_ADOPTR": None}


def test_retired_placement_codes_become_k3_from_2025(tmp_path: Path) -> None:
    from tests.formats_fixtures import cin_rows, cla_rows

    rows = cla_rows()
    for p in rows["ssd_cla_placement"]:
        p["clap_cla_placement_type"] = "H5"
    data = dataset(cin_rows(), rows)
    for year, code in ((2024, "H5"), (2025, "K3")):
        out = tmp_path / str(year)
        write_ssda903(data, out, collection_year=year)
        places = {r["PLACE"] for r in _read(out / FILE_NAMES["Episodes"])}
        assert places == {code}


def test_an_in_year_return_has_no_year_end_outcomes_yet(tmp_path: Path) -> None:
    from datetime import date

    write_ssda903(dataset(), tmp_path / "in_year", collection_year=2024,
                  as_at=date(2024, 3, 30))
    write_ssda903(dataset(), tmp_path / "year_end", collection_year=2024,
                  as_at=date(2024, 3, 31))
    assert _read(tmp_path / "in_year" / FILE_NAMES["OC2"]) == []
    assert [r["CHILD"] for r in _read(tmp_path / "year_end" / FILE_NAMES["OC2"])] == ["L1"]


def test_uasc_ceased_is_the_18th_birthday_while_the_status_runs() -> None:
    from datetime import date

    from lantern.formats.ssda903 import _uasc_ceased

    still = {"immi_immigration_status_end_date": None}
    assert _uasc_ceased(still, date(2008, 2, 29)) == date(2026, 2, 28)  # leap-day birthday
    assert _uasc_ceased(still, date(2007, 7, 20)) == date(2025, 7, 20)
    ended = {"immi_immigration_status_end_date": date(2024, 10, 28)}
    assert _uasc_ceased(ended, date(2006, 10, 28)) == date(2024, 10, 28)
    assert _uasc_ceased(still, None) is None


def test_a_child_leaving_care_on_31_march_is_not_in_the_oc2_cohort(tmp_path: Path) -> None:
    # Looked after since 2021, care ended on 31 March 2024 (E13): the episode ends in the
    # year with REC other than X1, so DfE's 12-month cohort does not hold the child
    # (rules 903:185 and 903:190 on a demo child before the fix).
    leaver: Rows = {
        "ssd_person": [{"pers_person_id": "L9", "pers_sex": "M", "pers_dob": date(2008, 7, 2),
                        "pers_ethnicity": "WBRI"}],
        "ssd_cla_episodes": [{
            "clae_cla_episode_id": "E9", "clae_person_id": "L9", "clae_cla_id": "Q9",
            "clae_cla_episode_start_date": date(2021, 6, 1), "clae_cla_episode_start_reason": "S",
            "clae_legal_status": "C2", "clae_cla_primary_need_code": "N1",
            "clae_cla_episode_ceased_date": date(2024, 3, 31),
            "clae_cla_episode_ceased_reason": "E13"}],
    }
    write_ssda903(dataset(cla_rows(), leaver), tmp_path, collection_year=2024)
    assert [r["CHILD"] for r in _read(tmp_path / FILE_NAMES["OC2"])] == ["L1"]
