"""Local tables: templates that round-trip, recognition by header, the declared rules
(each with a failing and a passing case), all-or-nothing loads, and adults' identities.

One small warehouse (a person, a team, a worker, a private fostering arrangement, a
fostering household) is built once per module; each test that loads works on a copy of it.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from lantern.cli import app
from lantern.config import Settings
from lantern.formats.local_csv import local_tables, table_for_header
from lantern.formats.ssd_csv import write_extract
from lantern.ingest.pipeline import ingest_paths, validate_paths
from lantern.ingest.rules import RULES, Rule
from lantern.ingest.rules.local.tables import date_orders
from lantern.model import Table, code_sets
from tests.datasets import make_dataset

runner = CliRunner()
DAY = "2024-04-01"  # every date of a valid row: orders allow the same day
BEFORE = "2024-03-31"
KNOWN = {  # ids the small warehouse holds, by table.column
    "ssd_person.pers_person_id": "P1",
    "ssd_department.dept_team_id": "T1",
    "ssd_professionals.prof_professional_id": "W1",
    "lantern_private_fostering.pfa_arrangement_id": "PF0",
    "lantern_foster_households.fhh_household_id": "FH0",
}
LOCAL_RULES = sorted((r for r in RULES.values() if r.format == "ssd"), key=lambda r: r.id)
# Every local rule gets a breaking and a boundary case in
# test_each_rule_fails_a_breaking_row_and_passes_a_boundary_row (tests/test_rules_catalogue)
CASES = {r.id for r in LOCAL_RULES}


# P1 turns 16 on DAY (a homeless 16-year-old, too old to be privately fostered); P2 is 9.
VALID_PEOPLE = {"lantern_private_fostering": {"pfa_person_id": "P2"}}
AGE_BREAKS = {  # a row the age query speaks of, one day beyond each boundary
    "local:homeless_presentations:age:hmls_person_id": {"hmls_presented_date": BEFORE},
    "local:private_fostering:age:pfa_person_id": {"pfa_person_id": "P1"},
}


def valid_row(t: Table) -> dict[str, str]:
    """A row every rule accepts, at the boundaries (dates in order all on one day)."""
    row = {}
    for c in t.columns:
        if c.foreign_key:
            row[c.name] = KNOWN[c.foreign_key]
        elif c.id_list:
            row[c.name] = f"{KNOWN[c.id_list]}; P2"
        elif c.codes:
            row[c.name] = next(iter(code_sets()[c.codes]))
        else:
            row[c.name] = {"date": DAY, "int": "0", "float": "3.5"}.get(c.type, "X1")
    return {**row, **VALID_PEOPLE.get(t.name, {})}


def write_csv(path: Path, t: Table, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, t.column_names)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def base_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("local")
    data = make_dataset({
        "ssd_person": [{"pers_person_id": "P1", "pers_dob": date(2008, 4, 1)},
                       {"pers_person_id": "P2", "pers_dob": date(2014, 6, 1)},
                       {"pers_person_id": "P3", "pers_dob": date(2008, 2, 29)}],
        "ssd_department": [{"dept_team_id": "T1", "dept_team_name": "MASH"}],
        "ssd_professionals": [{"prof_professional_id": "W1"}],
    })
    write_extract(data, root / "extract", local=False)
    pf = local_tables()["lantern_private_fostering"]
    write_csv(root / "extract" / "private fostering.csv", pf,
              [{**valid_row(pf), "pfa_arrangement_id": "PF0"}])
    fh = local_tables()["lantern_foster_households"]
    write_csv(root / "extract" / "foster households.csv", fh,
              [{**valid_row(fh), "fhh_household_id": "FH0"}])
    home = root / "home"
    outcome = ingest_paths([root / "extract"], settings=Settings(home=home))
    assert outcome.loaded, outcome.validation.first_problems()
    return home


@pytest.fixture
def home(base_home: Path, tmp_path: Path) -> Path:
    shutil.copytree(base_home, tmp_path / "home")
    return tmp_path / "home"


def rows_in(home: Path, table: str) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        got = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(got[0]) if got else 0


# -- templates -----------------------------------------------------------------------

@pytest.mark.parametrize("name", list(local_tables()))
def test_every_template_round_trips(name: str, home: Path, tmp_path: Path) -> None:
    """`lantern template T > f.csv`, fill a row under the header, load it."""
    printed = runner.invoke(app, ["template", name])
    assert printed.exit_code == 0, printed.output
    assert printed.output == ",".join(local_tables()[name].column_names) + "\n"
    row = valid_row(local_tables()[name])
    filled = tmp_path / "filled in.csv"  # any name: recognised by the header
    with filled.open("w", newline="", encoding="utf-8") as fh:
        fh.write(printed.output)
        csv.DictWriter(fh, local_tables()[name].column_names).writerow(row)
    before = rows_in(home, name)
    outcome = ingest_paths([filled], settings=Settings(home=home))
    assert outcome.loaded and outcome.changed, outcome.validation.first_problems()
    assert rows_in(home, name) == 1 and before in (0, 1)


def test_template_help_lists_the_tables_and_an_unknown_table_is_a_usage_error() -> None:
    helped = runner.invoke(app, ["template", "--help"], env={"COLUMNS": "300"})
    assert "lantern_marac_referrals" in helped.output and "lantern_establishment" in helped.output
    wrong = runner.invoke(app, ["template", "marac"])
    assert wrong.exit_code == 2
    assert "'marac' is not a local table" in wrong.output and "Traceback" not in wrong.output


def test_an_empty_template_loads_as_is(home: Path, tmp_path: Path) -> None:
    printed = runner.invoke(app, ["template", "lantern_lado_referrals"]).output
    (tmp_path / "lado.csv").write_text(printed)
    assert ingest_paths([tmp_path / "lado.csv"], settings=Settings(home=home)).loaded


# -- recognition, archive, lineage, idempotence ------------------------------------------

def test_header_recognises_the_table_whatever_the_order_and_case() -> None:
    t = local_tables()["lantern_homeless_presentations"]
    header = [c.upper() for c in reversed(t.column_names)]
    found = table_for_header(header)
    assert found is not None and found.name == t.name
    assert table_for_header(t.column_names[:-1]) is None  # a column short: not it


def test_a_near_miss_says_which_table_and_what_is_missing(home: Path, tmp_path: Path) -> None:
    t = local_tables()["lantern_lado_referrals"]
    path = tmp_path / "lado.csv"
    path.write_text(",".join(c for c in t.column_names if c != "lado_outcome") + "\n")
    got = validate_paths([path], settings=Settings(home=home), write=False)
    assert [p.rule_id for p in got.problems] == ["read-unrecognised"]
    assert "lantern_lado_referrals" in got.problems[0].message
    assert "missing lado_outcome" in got.problems[0].message


def test_load_is_archived_with_lineage_and_idempotent(home: Path, tmp_path: Path) -> None:
    t = local_tables()["lantern_marac_referrals"]
    path = write_csv(tmp_path / "MARAC March.csv", t, [valid_row(t)])
    first = ingest_paths([path], settings=Settings(home=home))
    assert first.loaded and first.changed
    again = ingest_paths([path], settings=Settings(home=home))
    assert again.loaded and not again.changed  # the same file: nothing to do
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        lineage = con.execute("SELECT _source_file, _source_row FROM "
                              "lantern_marac_referrals").fetchall()
    assert len(lineage) == 1 and lineage[0][1] == 2
    archived = home / "archive" / lineage[0][0]
    assert archived.exists() and archived.read_bytes() == path.read_bytes()


def test_two_files_of_one_table_in_an_ingest_are_refused(home: Path, tmp_path: Path) -> None:
    t = local_tables()["lantern_marac_referrals"]
    a = write_csv(tmp_path / "a.csv", t, [valid_row(t)])
    b = write_csv(tmp_path / "b.csv", t, [{**valid_row(t), "mara_referral_id": "X2"}])
    got = ingest_paths([a, b], settings=Settings(home=home))
    assert not got.loaded
    assert [p.rule_id for p in got.validation.problems] == ["read-duplicate"]


# -- the declared rules ------------------------------------------------------------------

def breaking(r: Rule, row: dict[str, str]) -> tuple[list[dict[str, str]], str]:
    """Rows that break rule `r` only, and the field it should name."""
    check = r.id.split(":", 2)[2]
    field = r.fields[-1]
    if r.id in AGE_BREAKS:
        return [{**row, **AGE_BREAKS[r.id]}], field
    if check == "unique":
        return [row, dict(row)], field
    value = {"required": "", "dates": "2024-02-30", "numbers": "-1"}.get(check)
    if check.startswith("code:"):
        value = "ZZZ"
    elif check.startswith("exists:"):
        value = "P1;NOPE" if "_ids" in field else "NOPE"
    elif check.startswith("order:"):
        value = BEFORE
    assert value is not None, f"no breaking value for {r.id}"
    return [{**row, field: value}], field


@pytest.mark.parametrize("r", LOCAL_RULES, ids=lambda r: r.id)
def test_each_rule_fails_a_breaking_row_and_passes_a_boundary_row(
        r: Rule, base_home: Path, tmp_path: Path) -> None:
    t = local_tables()[r.tables[0]]
    settings = Settings(home=base_home)
    good = write_csv(tmp_path / "good.csv", t, [valid_row(t)])
    assert validate_paths([good], settings=settings, write=False).problems == []
    rows, field = breaking(r, valid_row(t))
    bad = write_csv(tmp_path / "bad.csv", t, rows)
    problems = validate_paths([bad], settings=settings, write=False).problems
    assert [(p.rule_id, p.field) for p in problems] == [(r.id, field)]
    p = problems[0]
    row_no = len(rows) + 1
    assert (p.file, p.locator, p.severity) == (str(bad), f"row {row_no}", r.severity)
    assert p.expected and p.message


def test_every_local_table_has_its_rules_and_every_order_a_rule() -> None:
    ids = {r.id for r in LOCAL_RULES}
    assert len(date_orders()) == 8  # the orders the brief names, and the review and meeting
    for name in local_tables():
        short = name.removeprefix("lantern_")
        assert {f"local:{short}:required", f"local:{short}:unique"} <= ids
    assert {f"local:{o.table.removeprefix('lantern_')}:order:{o.later}"
            for o in date_orders()} <= ids


def test_a_visit_is_checked_against_the_arrangement_in_the_same_ingest(
        base_home: Path, tmp_path: Path) -> None:
    """The arrangement in the ingest replaces the loaded one: its notification counts."""
    pf, pfv = local_tables()["lantern_private_fostering"], local_tables()[
        "lantern_private_fostering_visits"]
    arrangements = write_csv(tmp_path / "pf.csv", pf, [
        {**valid_row(pf), "pfa_arrangement_id": "PF9", "pfa_notification_date": "2024-05-10"}])
    visits = write_csv(tmp_path / "visits.csv", pfv, [
        {**valid_row(pfv), "pfv_arrangement_id": "PF9", "pfv_visit_date": "2024-05-10"},
        {**valid_row(pfv), "pfv_visit_id": "V2", "pfv_arrangement_id": "PF9",
         "pfv_visit_date": "2024-05-09"},
        {**valid_row(pfv), "pfv_visit_id": "V3", "pfv_arrangement_id": "PF0"}])
    got = validate_paths([arrangements, visits], settings=Settings(home=base_home),
                         write=False).problems
    assert [(p.rule_id, p.locator, p.expected) for p in got] == [
        ("local:private_fostering_visits:exists:pfv_arrangement_id", "row 4",
         "an existing pfa_arrangement_id of lantern_private_fostering, loaded already or "
         "in the same ingest"),
        ("local:private_fostering_visits:order:pfv_visit_date", "row 3",
         "a date on or after lantern_private_fostering.pfa_notification_date (2024-05-10)")]


def test_ids_without_a_warehouse_name_no_one(tmp_path: Path) -> None:
    t = local_tables()["lantern_homeless_presentations"]
    path = write_csv(tmp_path / "homeless.csv", t, [valid_row(t)])
    got = validate_paths([path], settings=Settings(home=tmp_path / "empty"), write=False)
    assert [p.rule_id for p in got.problems] == [
        "local:homeless_presentations:exists:hmls_person_id"]


@pytest.mark.parametrize(("person", "presented", "query"), [
    ("P3", "2024-02-28", True),  # born 29 February 2008: 15 the day before
    ("P3", "2024-02-29", False),  # 16 on 29 February 2024
    ("P1", "2026-03-31", False),  # 17 the day before the 18th birthday
    ("P1", "2026-04-01", True),  # 18
])
def test_homeless_young_people_are_16_or_17_else_a_query_that_does_not_block(
        person: str, presented: str, query: bool, home: Path, tmp_path: Path) -> None:
    t = local_tables()["lantern_homeless_presentations"]
    path = write_csv(tmp_path / "homeless.csv", t, [{
        **valid_row(t), "hmls_person_id": person, "hmls_presented_date": presented,
        "hmls_assessed_date": presented}])
    got = ingest_paths([path], settings=Settings(home=home))
    assert [(p.rule_id, p.severity) for p in got.validation.problems] == (
        [("local:homeless_presentations:age:hmls_person_id", "query")] if query else [])
    assert got.loaded  # a query is for a person to look at, not a refusal


# -- all or nothing -----------------------------------------------------------------------

def test_a_bad_file_is_refused_whole_and_nothing_is_loaded(home: Path, tmp_path: Path) -> None:
    fh, mr = local_tables()["lantern_foster_households"], local_tables()[
        "lantern_marac_referrals"]
    households = write_csv(tmp_path / "households.csv", fh, [valid_row(fh)])
    marac = write_csv(tmp_path / "marac.csv", mr, [
        valid_row(mr), {**valid_row(mr), "mara_referral_id": "M2"},
        {**valid_row(mr), "mara_referral_id": "M3", "mara_referral_date": "31/03/2024"}])
    result = runner.invoke(app, ["ingest", str(households), str(marac)],
                           env={"LANTERN_HOME": str(home)})
    assert result.exit_code == 1, result.output
    assert "nothing was loaded" in result.output
    assert "marac.csv row 4, mara_referral_date = '31/03/2024'" in result.output
    assert rows_in(home, "lantern_marac_referrals") == 0
    # the good file waits too: only the household loaded before
    assert rows_in(home, "lantern_foster_households") == 1
    assert not (home / "archive" / "manifest.jsonl").read_text().count("marac")


# -- adults' identities --------------------------------------------------------------------

@pytest.fixture
def app_db(tmp_path: Path) -> Iterator[str]:
    from lantern.appdb import migrate

    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    migrate(url)
    yield url


def principal(role: str):  # type: ignore[no-untyped-def]
    from lantern.security.policy import Principal

    return Principal(7, f"u_{role}", role, role, "authority")


@pytest.mark.parametrize(("role", "marac", "lado", "carer"), [
    ("social_worker", False, False, True),
    ("team_manager", True, False, True),
    ("head_of_service", True, True, True),
    ("performance_analyst", True, True, True),
    ("dcs", False, True, False),
    ("auditor", False, False, False),
    ("board_member", False, False, False),
    ("inspector", False, False, False),
])
def test_who_sees_adults_identities_by_default(role: str, marac: bool, lado: bool,
                                               carer: bool) -> None:
    from lantern.security.identities import visible_identity

    p = principal(role)
    assert visible_identity(p, "lantern_marac_referrals", "mara_victim_name") is marac
    assert visible_identity(p, "lantern_lado_referrals", "lado_subject_name") is lado
    assert visible_identity(p, "lantern_private_fostering", "pfa_carer_name") is carer


def test_the_roles_are_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lantern.security.identities import visible_identity

    config = tmp_path / "identities.yml"
    config.write_text("lantern_marac_referrals.mara_victim_name: [social_worker, inspector]\n")
    monkeypatch.setenv("LANTERN_IDENTITY_ROLES", str(config))
    assert visible_identity(principal("social_worker"), "lantern_marac_referrals",
                            "mara_victim_name")
    assert not visible_identity(principal("inspector"), "lantern_marac_referrals",
                                "mara_victim_name")  # aggregate only, whatever it says
    assert not visible_identity(principal("social_worker"), "lantern_lado_referrals",
                                "lado_subject_name")  # not listed: no one
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("lantern_marac_referrals.mara_victim_id: [dcs]\n")
    monkeypatch.setenv("LANTERN_IDENTITY_ROLES", str(wrong))
    bad = runner.invoke(app, ["template", "lantern_establishment"])
    assert bad.exit_code == 2 and "is not an identity column" in bad.output


def test_a_view_withholds_or_shows_and_logs_once(app_db: str) -> None:
    from lantern.appdb import make_engine
    from lantern.security.access_log import AccessLog
    from lantern.security.identities import guard_rows, log_identity_view

    rows = [{"event_id": "MR1", "mara_victim_name": "Ann Smith", "child_id": "P1"},
            {"event_id": "MR2", "mara_victim_name": "Bea Jones", "child_id": "P2"},
            {"event_id": "MR3", "mara_victim_name": None, "child_id": "P3"}]
    hidden, shown = guard_rows(principal("social_worker"), rows)
    assert [r["mara_victim_name"] for r in hidden] == ["withheld", "withheld", None]
    assert shown == {}
    visible, shown = guard_rows(principal("team_manager"), rows)
    assert [r["mara_victim_name"] for r in visible] == ["Ann Smith", "Bea Jones", None]
    assert shown == {("lantern_marac_referrals", "mara_victim_name"): ["MR1", "MR2"]}
    log = AccessLog(make_engine(app_db))
    for (table, column), ids in shown.items():
        assert log_identity_view(log, principal("team_manager"), table, column, ids,
                                 path="/themes/marac") == 1
    [entry] = log.entries(limit=10)
    assert (entry.action, entry.username, entry.path, entry.child_id) == (
        "view_adult_identity", "u_team_manager", "/themes/marac", None)
    assert entry.detail == "lantern_marac_referrals.mara_victim_name; records: MR1 MR2"
    assert log.verify().ok


def test_a_warehouse_that_cannot_be_read_is_said_not_guessed(tmp_path: Path) -> None:
    """Ids cannot be checked: the file is refused with the reason, not passed unchecked."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "warehouse.duckdb").write_bytes(b"not a database")
    t = local_tables()["lantern_homeless_presentations"]
    path = write_csv(tmp_path / "homeless.csv", t, [valid_row(t)])
    got = validate_paths([path], settings=Settings(home=home), write=False).problems
    assert [p.rule_id for p in got][:1] == ["read-warehouse"]
    assert got[0].severity == "error" and "could not be read" in got[0].message


def test_the_command_line_drill_down_withholds_or_logs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lantern children` passes its rows through the same guard, as `cli:<login>`."""
    from lantern.appdb import make_engine
    from lantern.cli import _guard_identities
    from lantern.security.access_log import AccessLog

    settings = Settings(home=tmp_path)
    rows = [{"event_id": "LA1", "lado_subject_name": "Carl Reed", "child_id": "P1"}]
    assert _guard_identities(settings, rows)[0]["lado_subject_name"] == "Carl Reed"
    [entry] = AccessLog(make_engine(settings.app_database_url)).entries()
    assert entry.username.startswith("cli:") and entry.action == "view_adult_identity"
    assert entry.detail.endswith("lantern_lado_referrals.lado_subject_name; records: LA1")
    config = tmp_path / "identities.yml"
    config.write_text("lantern_lado_referrals.lado_subject_name: [dcs]\n")
    monkeypatch.setenv("LANTERN_IDENTITY_ROLES", str(config))
    assert _guard_identities(settings, rows)[0]["lado_subject_name"] == "withheld"
    assert len(AccessLog(make_engine(settings.app_database_url)).entries()) == 1
