"""The report book: every edition of every month's report in the app database, its chain
of steps, the commentary on each indicator, and who was sent what.

The rules of the chain live in `reports.chain`; this module records what people did
under them. Publishing asks a ``freeze`` function (see `reports.publish`) for the files,
so the book stays free of rendering.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lantern.appdb.models import User, utcnow
from lantern.appdb.reports import IndicatorCommentary, ReportDistribution, ReportRun, ReportStep
from lantern.reports.chain import (
    STATE_LABELS,
    ChainConfig,
    Refused,
    check_move,
    due_date,
    is_late,
)
from lantern.security.policy import Principal

AUTHORITY = "authority"
Figures = Mapping[str, Any]


@dataclass(frozen=True)
class Frozen:
    """The published files of one edition."""

    html_path: Path
    pdf_path: Path | None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def figures_hash(figures: Figures) -> str:
    text = json.dumps(figures, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def moved(before: Figures, after: Figures) -> list[str]:
    """The indicators whose figures differ between two builds (sorted)."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def edition_label(edition: str) -> str:
    if edition == AUTHORITY:
        return "Authority edition"
    return f"{edition.replace('_', ' ').capitalize()} service edition"


class ReportBook:
    def __init__(self, engine: Engine, config: ChainConfig) -> None:
        self.engine = engine
        self.config = config

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- reading ------------------------------------------------------------------------

    def runs(self, month: str | None = None) -> list[ReportRun]:
        """Every edition (of ``month``, or of all months), newest month first."""
        q = select(ReportRun)
        if month is not None:
            q = q.where(ReportRun.month == month)
        q = q.order_by(ReportRun.month.desc(), ReportRun.edition != AUTHORITY,
                       ReportRun.edition, ReportRun.version)
        with self._session() as s:
            return list(s.scalars(q))

    def current(self, month: str, edition: str = AUTHORITY) -> ReportRun | None:
        """The latest version of an edition of a month's report."""
        with self._session() as s:
            return s.scalars(select(ReportRun).where(
                ReportRun.month == month, ReportRun.edition == edition,
            ).order_by(ReportRun.version.desc()).limit(1)).one_or_none()

    def latest_published(self, month: str, edition: str = AUTHORITY) -> ReportRun | None:
        with self._session() as s:
            return s.scalars(select(ReportRun).where(
                ReportRun.month == month, ReportRun.edition == edition,
                ReportRun.state == "published",
            ).order_by(ReportRun.version.desc()).limit(1)).one_or_none()

    def get(self, run_id: int) -> ReportRun | None:
        with self._session() as s:
            return s.get(ReportRun, run_id)

    def find(self, month: str, edition: str | None) -> ReportRun:
        """The edition a person named: a run id, or an edition (``authority`` or a
        service id; its latest version). Refused when there is none."""
        if edition and edition.isdigit():
            run = self.get(int(edition))
            if run is None or run.month != month:
                raise Refused(f"no report edition {edition} for {month}")
            return run
        run = self.current(month, edition or AUTHORITY)
        if run is None:
            raise Refused(f"no {edition_label(edition or AUTHORITY).lower()} of the {month} "
                          "report yet: build it with `lantern report --month "
                          f"{month} --out FILE`")
        return run

    def steps(self, run_id: int) -> list[ReportStep]:
        with self._session() as s:
            return list(s.scalars(select(ReportStep).where(ReportStep.run_id == run_id)
                                  .order_by(ReportStep.at, ReportStep.id)))

    def published(self, limit: int = 24) -> list[ReportRun]:
        with self._session() as s:
            return list(s.scalars(select(ReportRun).where(ReportRun.state == "published")
                                  .order_by(ReportRun.month.desc(), ReportRun.edition,
                                            ReportRun.version.desc()).limit(limit)))

    # --- building -----------------------------------------------------------------------

    def record_build(self, month: str, edition: str, figures: Figures,
                     load_id: int | None) -> tuple[ReportRun, str]:
        """Record that an edition was built from ``load_id`` with these figures.

        No edition yet: version 1. An unpublished edition follows the data (its figures
        and load are brought up to date). A published edition is never changed: when
        the figures moved, a new draft version is made and the returned sentence names
        the indicators that moved; otherwise nothing changes.
        """
        digest = figures_hash(figures)
        with self._session() as s, s.begin():
            run = s.scalars(select(ReportRun).where(
                ReportRun.month == month, ReportRun.edition == edition,
            ).order_by(ReportRun.version.desc()).limit(1)).one_or_none()
            if run is None:
                first = "First edition" + (f", built from load {load_id}." if load_id
                                           else ".")
                run = self._new_run(s, month, edition, 1, figures, digest, load_id, first)
                return run, "new"
            if run.figures_sha256 == digest:
                return run, "unchanged"
            changed = moved(json.loads(run.figures), figures)
            if run.state != "published":
                run.figures, run.figures_sha256 = json.dumps(figures, sort_keys=True), digest
                run.load_id = load_id
                return run, "updated"
            why = (f"{f'Load {load_id}' if load_id else 'A new load'} moved the figures of "
                   f"the published edition {run.version}: {', '.join(changed)}.")
            new = self._new_run(s, month, edition, run.version + 1, figures, digest, load_id,
                                why)
            return new, why

    def _new_run(self, s: Session, month: str, edition: str, version: int, figures: Figures,
                 digest: str, load_id: int | None, reason: str) -> ReportRun:
        run = ReportRun(month=month, edition=edition, version=version, load_id=load_id,
                        due_date=due_date(month), state="draft", created_at=utcnow(),
                        figures=json.dumps(figures, sort_keys=True), figures_sha256=digest,
                        reason=reason, themes="")
        s.add(run)
        s.flush()
        return run

    # --- the chain ----------------------------------------------------------------------

    def advance(self, run_id: int, to: str, who: Principal, comment: str = "", *,
                freeze: Callable[[ReportRun, list[ReportStep]], Frozen] | None = None,
                at: datetime | None = None) -> ReportStep:
        """Move an edition along the chain (or back, with a reason), as ``who``.

        Publishing needs ``freeze``: it renders the files with the steps so far (the
        publication step included) and the book stores their SHA-256."""
        with self._session() as s, s.begin():
            run = s.get(ReportRun, run_id, with_for_update=True)
            if run is None:
                raise Refused(f"no report edition {run_id}")
            move = check_move(run.state, to, who.role, comment, self.config)
            step = ReportStep(run_id=run.id, at=at or utcnow(), user_id=who.user_id or None,
                              username=who.username, display_name=who.display_name,
                              role=who.role, from_state=move.from_state,
                              to_state=move.to_state, kind=move.kind,
                              comment=comment.strip())
            if to == "themes_added":
                run.themes = comment.strip()
            if to == "published":
                if freeze is None:
                    raise Refused("publishing needs the report's files: use `lantern report "
                                  "advance` or the web page")
                earlier = list(s.scalars(select(ReportStep).where(
                    ReportStep.run_id == run.id).order_by(ReportStep.at, ReportStep.id)))
                run.state = to  # so the files say "published"
                files = freeze(run, [*earlier, step])
                run.html_path, run.html_sha256 = str(files.html_path), sha256_file(
                    files.html_path)
                run.pdf_path, run.pdf_sha256 = None, None  # a draft's file is not the record
                if files.pdf_path is not None:
                    run.pdf_path, run.pdf_sha256 = str(files.pdf_path), sha256_file(
                        files.pdf_path)
                run.published_at = step.at
            run.state = to
            s.add(step)
        return step

    def record_file(self, run_id: int, path: Path) -> None:
        """Record the file last written of an unpublished edition (HTML or PDF) and its
        SHA-256; a published edition's files are its frozen ones and never change."""
        with self._session() as s, s.begin():
            run = s.get(ReportRun, run_id)
            if run is None or run.state == "published":
                return
            if path.suffix.lower() == ".pdf":
                run.pdf_path, run.pdf_sha256 = str(path.resolve()), sha256_file(path)
            else:
                run.html_path, run.html_sha256 = str(path.resolve()), sha256_file(path)

    def attach_pdf(self, run_id: int, path: Path) -> ReportRun:
        """Record the PDF printed from a published edition's frozen HTML."""
        with self._session() as s, s.begin():
            run = s.get(ReportRun, run_id)
            if run is None or run.state != "published":
                raise Refused("only a published edition has a frozen file to print")
            run.pdf_path, run.pdf_sha256 = str(path), sha256_file(path)
            return run

    def is_late(self, run: ReportRun, today: date) -> bool:
        """The authority's report is due ten working days after the 1st; the service
        editions are working copies for the surgeries and carry no deadline of their own."""
        if run.edition != AUTHORITY:
            return False
        published_on = run.published_at.date() if run.published_at else None
        return is_late(run.month, run.state, today, published_on)

    # --- commentary ---------------------------------------------------------------------

    def add_commentary(self, month: str, kpi_id: str, text: str, who: Principal, *,
                       at: datetime | None = None) -> IndicatorCommentary:
        if who.role not in self.config.commentary_roles:
            writers = (self.config.title(r) for r in self.config.commentary_roles)
            raise Refused(f"commentary is written by {', '.join(writers)}")
        if not text.strip():
            raise Refused("the commentary is empty: say what the figure shows and why")
        entry = IndicatorCommentary(month=month, kpi_id=kpi_id, at=at or utcnow(),
                                    user_id=who.user_id or None, username=who.username,
                                    display_name=who.display_name, role=who.role,
                                    text=text.strip())
        with self._session() as s, s.begin():
            s.add(entry)
        return entry

    def commentary(self, month: str) -> dict[str, IndicatorCommentary]:
        """The current commentary (the latest entry) on each indicator for a month."""
        with self._session() as s:
            rows = s.scalars(select(IndicatorCommentary).where(
                IndicatorCommentary.month == month,
            ).order_by(IndicatorCommentary.at, IndicatorCommentary.id))
            return {r.kpi_id: r for r in rows}

    def commentary_history(self, kpi_id: str, limit: int = 36) -> list[IndicatorCommentary]:
        """Every entry on one indicator, newest month and entry first."""
        with self._session() as s:
            return list(s.scalars(select(IndicatorCommentary).where(
                IndicatorCommentary.kpi_id == kpi_id,
            ).order_by(IndicatorCommentary.month.desc(), IndicatorCommentary.at.desc(),
                       IndicatorCommentary.id.desc()).limit(limit)))

    # --- distribution -------------------------------------------------------------------

    def distribution_list(self) -> list[User]:
        """Enabled users the configuration names (by role or username)."""
        cfg = self.config
        with self._session() as s:
            users = s.scalars(select(User).where(User.disabled.is_(False)).order_by(
                User.username))
            return [u for u in users
                    if u.role in cfg.distribution_roles or u.username in cfg.distribution_users]

    def already_sent(self, run_id: int) -> set[str]:
        with self._session() as s:
            return set(s.scalars(select(ReportDistribution.username).where(
                ReportDistribution.run_id == run_id)))

    def record_sent(self, run_id: int, username: str, address: str) -> None:
        with self._session() as s, s.begin():
            s.add(ReportDistribution(run_id=run_id, username=username, address=address,
                                     at=utcnow()))

    def version(self) -> tuple[int, ...]:
        """Changes whenever anything is recorded (for caches of what the book says)."""
        with self._session() as s:
            return tuple(int(s.scalar(select(func.max(t.id))) or 0) for t in (
                ReportRun, ReportStep, IndicatorCommentary))


def status_record(book: ReportBook, run: ReportRun, today: date) -> dict[str, Any]:
    """One edition as `lantern report status --format json` prints it."""
    return {
        "id": run.id,
        "month": run.month,
        "edition": run.edition,
        "edition_label": edition_label(run.edition),
        "version": run.version,
        "state": run.state,
        "state_label": STATE_LABELS[run.state],
        "load_id": run.load_id,
        "due_date": run.due_date.isoformat(),
        "late": book.is_late(run, today),
        "reason": run.reason,
        "themes": run.themes,
        "published_at": run.published_at.isoformat() if run.published_at else None,
        "files": [{"path": p, "sha256": h} for p, h in (
            (run.html_path, run.html_sha256), (run.pdf_path, run.pdf_sha256)) if p],
        "steps": [{
            "from": st.from_state, "to": st.to_state, "kind": st.kind,
            "by": st.username, "name": st.display_name, "role": st.role,
            "at": st.at.astimezone(UTC).isoformat(timespec="seconds"),
            "comment": st.comment,
        } for st in book.steps(run.id)],
    }


def today_utc() -> date:
    return datetime.now(UTC).date()
