"""The report book on SQLite and PostgreSQL: editions recorded per load, each step of the
chain with who, when and what they said, publication freezing the files (a new load
leaves them and their hash alone and makes a new draft edition naming what moved),
commentary and the distribution list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from lantern.appdb.reports import ReportRun, ReportStep
from lantern.reports.book import Frozen, ReportBook, sha256_file
from lantern.reports.chain import Refused, load_chain_config
from lantern.reports.editions import governance
from lantern.security.accounts import UserStore
from lantern.security.policy import Principal
from tests.appdb_fixtures import app_engine, app_url, fast_hasher
from tests.test_report_render import sample_report

__all__ = ["app_engine", "app_url"]
FIGURES = {"cp_plans_open": [231.0, 231, None, "ok"], "icpc_15wd_pct": [71.3, 57, 80, "ok"]}
ROLES = ("performance_analyst", "divisional_director", "dcs", "team_manager",
         "head_of_service", "social_worker", "board_member")


@pytest.fixture
def people(app_engine: Engine) -> dict[str, Principal]:
    users = UserStore(app_engine, hasher=fast_hasher())
    out = {role: users.add(f"u_{role}", None, display_name=f"Pat {role.title()}", role=role,
                           scope_type="authority", email=f"{role}@example.gov.uk")
           for role in ROLES}
    users.add("u_off", None, display_name="Off Person", role="dcs", scope_type="authority",
              email="off@example.gov.uk")
    users.disable("u_off")
    return out


@pytest.fixture
def book(app_engine: Engine) -> ReportBook:
    return ReportBook(app_engine, load_chain_config())


def freezer_to(folder: Path, content: str = "published report"):  # type: ignore[no-untyped-def]
    seen: list[list[ReportStep]] = []

    def freeze(run: ReportRun, steps: list[ReportStep]) -> Frozen:
        seen.append(steps)
        path = folder / f"{run.month}-{run.edition}-v{run.version}.html"
        path.write_text(f"{content} v{run.version} state={run.state}", "utf-8")
        return Frozen(path, None)

    freeze.seen = seen  # type: ignore[attr-defined]
    return freeze


def publish(book: ReportBook, run_id: int, people: dict[str, Principal], folder: Path) -> None:
    book.advance(run_id, "quality_checked", people["performance_analyst"], "Reconciled")
    book.advance(run_id, "themes_added", people["divisional_director"], "Visits recovering.")
    book.advance(run_id, "endorsed", people["dcs"], "Endorsed for the board")
    book.advance(run_id, "published", people["dcs"], "", freeze=freezer_to(folder))


def test_editions_follow_the_data_until_published(book: ReportBook) -> None:
    run, what = book.record_build("2024-11", "authority", FIGURES, 1)
    assert (what, run.version, run.state, run.load_id) == ("new", 1, "draft", 1)
    assert run.due_date.isoformat() == "2024-12-13"
    assert book.record_build("2024-11", "authority", FIGURES, 2)[1] == "unchanged"
    moved = {**FIGURES, "cp_plans_open": [232.0, 232, None, "ok"]}
    run2, what = book.record_build("2024-11", "authority", moved, 3)
    assert (what, run2.id, run2.version, run2.load_id) == ("updated", run.id, 1, 3)
    book.record_build("2024-11", "safeguarding", FIGURES, 3)
    assert [(r.edition, r.version) for r in book.runs("2024-11")] == [
        ("authority", 1), ("safeguarding", 1)]


def test_the_chain_records_who_when_and_what(book: ReportBook, people: dict[str, Principal],
                                             tmp_path: Path) -> None:
    run, _ = book.record_build("2024-10", "authority", FIGURES, 1)
    publish(book, run.id, people, tmp_path)
    steps = book.steps(run.id)
    assert [(s.from_state, s.to_state, s.username, s.role) for s in steps] == [
        ("draft", "quality_checked", "u_performance_analyst", "performance_analyst"),
        ("quality_checked", "themes_added", "u_divisional_director", "divisional_director"),
        ("themes_added", "endorsed", "u_dcs", "dcs"),
        ("endorsed", "published", "u_dcs", "dcs"),
    ]
    assert [s.comment for s in steps][:3] == ["Reconciled", "Visits recovering.",
                                             "Endorsed for the board"]
    assert all(s.at.tzinfo is not None for s in steps)
    done = book.get(run.id)
    assert done is not None and done.state == "published" and done.published_at is not None
    assert done.themes == "Visits recovering."
    assert done.html_sha256 == sha256_file(Path(str(done.html_path)))


def test_refusals_record_nothing(book: ReportBook, people: dict[str, Principal]) -> None:
    run, _ = book.record_build("2024-10", "authority", FIGURES, 1)
    with pytest.raises(Refused, match="is a step for"):
        book.advance(run.id, "quality_checked", people["social_worker"])
    with pytest.raises(Refused, match="out of order"):
        book.advance(run.id, "endorsed", people["dcs"])
    book.advance(run.id, "quality_checked", people["performance_analyst"])
    with pytest.raises(Refused, match="needs a reason"):
        book.advance(run.id, "draft", people["divisional_director"], "")
    book.advance(run.id, "themes_added", people["divisional_director"], "Themes")
    book.advance(run.id, "endorsed", people["dcs"])
    with pytest.raises(Refused, match="needs the report's files"):
        book.advance(run.id, "published", people["dcs"])
    assert [s.to_state for s in book.steps(run.id)] == [
        "quality_checked", "themes_added", "endorsed"]
    assert book.get(run.id).state == "endorsed"  # type: ignore[union-attr]


def test_send_back_clears_the_later_signatures(book: ReportBook, people: dict[str, Principal]
                                               ) -> None:
    run, _ = book.record_build("2024-10", "authority", FIGURES, 1)
    book.advance(run.id, "quality_checked", people["performance_analyst"], "ok")
    book.advance(run.id, "themes_added", people["divisional_director"], "First themes")
    step = book.advance(run.id, "quality_checked", people["dcs"], "Say more about visits")
    assert (step.kind, step.comment) == ("send_back", "Say more about visits")
    book.advance(run.id, "themes_added", people["divisional_director"], "Second themes")
    fresh = book.get(run.id)
    assert fresh is not None and fresh.themes == "Second themes"
    g = governance(book, fresh, sample_report())
    assert [(s.step, s.comment) for s in g.signatures] == [
        ("Quality check", "ok"), ("Headline themes and commentary", "Second themes")]


def test_publication_freezes(book: ReportBook, people: dict[str, Principal],
                             tmp_path: Path) -> None:
    run, _ = book.record_build("2024-10", "authority", FIGURES, 1)
    publish(book, run.id, people, tmp_path)
    published = book.get(run.id)
    assert published is not None
    path, digest = Path(str(published.html_path)), published.html_sha256
    # A new load with the same figures: nothing changes.
    again, what = book.record_build("2024-10", "authority", FIGURES, 2)
    assert (what, again.id) == ("unchanged", run.id)
    # A new load that moves two figures: a new draft edition, saying which moved.
    moved = {"cp_plans_open": [240.0, 240, None, "ok"], "icpc_15wd_pct": [70.0, 56, 80, "ok"]}
    new, why = book.record_build("2024-10", "authority", moved, 3)
    assert (new.version, new.state, new.load_id) == (2, "draft", 3)
    assert "cp_plans_open, icpc_15wd_pct" in why and "load 3" in why.lower()
    assert new.reason == why
    still = book.get(run.id)
    assert still is not None and (still.state, still.html_sha256, still.load_id) == (
        "published", digest, 1)
    assert sha256_file(path) == digest
    assert book.latest_published("2024-10").id == run.id  # type: ignore[union-attr]
    assert book.current("2024-10").id == new.id  # type: ignore[union-attr]


def test_commentary_by_leaders_with_history(book: ReportBook, people: dict[str, Principal]
                                            ) -> None:
    with pytest.raises(Refused, match="commentary is written by"):
        book.add_commentary("2024-10", "cp_plans_open", "x", people["social_worker"])
    with pytest.raises(Refused, match="empty"):
        book.add_commentary("2024-10", "cp_plans_open", " ", people["dcs"])
    book.add_commentary("2024-09", "cp_plans_open", "September", people["head_of_service"])
    book.add_commentary("2024-10", "cp_plans_open", "First", people["head_of_service"])
    book.add_commentary("2024-10", "cp_plans_open", "Revised", people["divisional_director"])
    assert book.commentary("2024-10")["cp_plans_open"].text == "Revised"
    assert [c.text for c in book.commentary_history("cp_plans_open")] == [
        "Revised", "First", "September"]


def test_distribution_list_from_configuration(book: ReportBook,
                                              people: dict[str, Principal]) -> None:
    names = {u.username for u in book.distribution_list()}
    assert names == {"u_performance_analyst", "u_divisional_director", "u_dcs",
                     "u_team_manager", "u_head_of_service"}  # not disabled, not others
