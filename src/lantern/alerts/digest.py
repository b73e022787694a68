"""Daily email digests: one message per person, with only the items they are informed of.

Subjects carry counts and the date, never a child's name or id
("Lantern: 3 overdue, 5 due soon – 1 March 2024"); bodies list child ids, the rule, the
due date and the basis. A sent log (SQLite at a caller-given path) keyed by
(recipient, date, item hash) makes a re-run on the same day send nothing twice: a
person gets a later digest that day only if new items appeared, and it holds only those.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib

from .model import AlertItem

OVERDUE = ("escalated", "overdue")


def by_recipient(items: Iterable[AlertItem]) -> dict[str, list[AlertItem]]:
    """Recipient key -> the items that person is informed of (their inbox), in order."""
    out: dict[str, list[AlertItem]] = {}
    for i in items:
        for key in i.notify:
            out.setdefault(key, []).append(i)
    return dict(sorted(out.items()))


def item_hash(item: AlertItem) -> str:
    """Stable identity of an item for the sent log: rule, child, subject, due date, status."""
    raw = "|".join((item.rule_id, item.child_id or "", item.subject_id,
                    item.due_date.isoformat(), item.status))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def subject_line(items: Sequence[AlertItem], on: date) -> str:
    overdue = sum(i.status in OVERDUE for i in items)
    soon = len(items) - overdue
    return f"Lantern: {overdue} overdue, {soon} due soon – {long_date(on)}"


def _rows(items: Sequence[AlertItem]) -> list[tuple[str, ...]]:
    return [(i.status.replace("_", " "), i.child_id or i.subject_id, i.title or i.rule_id,
             i.due_date.isoformat(), str(i.days_overdue), i.basis) for i in items]


HEAD = ("Status", "Child", "Rule", "Due", "Working days overdue", "Why")


def compose(recipient: str, items: Sequence[AlertItem], on: date, *, to: str,
            sender: str) -> EmailMessage:
    """One plain-text + HTML digest for one person."""
    msg = EmailMessage()
    msg["Subject"] = subject_line(items, on)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="lantern.local")
    rows = _rows(items)
    intro = (f"Alerts for {recipient} on {long_date(on)}: items you must act on or are "
             "informed of. Open Lantern for the child's record.")
    text = [intro, ""] + [" | ".join(r) for r in [HEAD, *rows]]
    msg.set_content("\n".join(text) + "\n")
    cells = "".join(f"<th scope=\"col\">{html.escape(h)}</th>" for h in HEAD)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    msg.add_alternative(
        f"<!doctype html><html lang=\"en\"><body><p>{html.escape(intro)}</p>"
        f"<table><caption>{html.escape(msg['Subject'])}</caption><thead><tr>{cells}</tr>"
        f"</thead><tbody>{body}</tbody></table></body></html>",
        subtype="html",
    )
    return msg


@dataclass
class SendResult:
    sent: dict[str, int] = field(default_factory=dict)  # recipient -> items sent
    already_sent: list[str] = field(default_factory=list)  # nothing new today
    no_address: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # recipient -> error


class SentLog:
    """SQLite log of (recipient, date, item hash) already sent."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("""CREATE TABLE IF NOT EXISTS sent (recipient TEXT NOT NULL,
            on_date TEXT NOT NULL, item_hash TEXT NOT NULL, sent_at TEXT NOT NULL,
            PRIMARY KEY (recipient, on_date, item_hash))""")

    def sent(self, recipient: str, on: date) -> set[str]:
        cur = self.db.execute("SELECT item_hash FROM sent WHERE recipient = ? AND on_date = ?",
                              (recipient, on.isoformat()))
        return {r[0] for r in cur}

    def record(self, recipient: str, on: date, hashes: Iterable[str]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO sent VALUES (?, ?, ?, ?)",
                                [(recipient, on.isoformat(), h, now) for h in hashes])

    def close(self) -> None:
        self.db.close()


async def send_digests_async(items: Sequence[AlertItem], addresses: Mapping[str, str],
                             on: date, *, host: str, port: int, sent_log: Path,
                             sender: str = "lantern@localhost", username: str | None = None,
                             password: str | None = None, start_tls: bool | None = None,
                             timeout: float = 30.0) -> SendResult:
    result = SendResult()
    log = SentLog(sent_log)
    try:
        pending: list[tuple[str, list[AlertItem], list[str]]] = []
        for key, mine in by_recipient(items).items():
            if key not in addresses:
                result.no_address.append(key)
                continue
            done = log.sent(key, on)
            new = [(i, h) for i in mine if (h := item_hash(i)) not in done]
            if not new:
                result.already_sent.append(key)
                continue
            pending.append((key, [i for i, _ in new], [h for _, h in new]))
        if not pending:
            return result
        smtp = aiosmtplib.SMTP(hostname=host, port=port, timeout=timeout, start_tls=start_tls,
                               username=username, password=password)
        async with smtp:
            for key, mine, hashes in pending:
                msg = compose(key, mine, on, to=addresses[key], sender=sender)
                try:
                    await smtp.send_message(msg)
                except aiosmtplib.SMTPException as exc:
                    result.failed[key] = str(exc)
                    continue
                log.record(key, on, hashes)
                result.sent[key] = len(mine)
    finally:
        log.close()
    return result


def send_digests(items: Sequence[AlertItem], addresses: Mapping[str, str], on: date, *,
                 host: str, port: int, sent_log: Path, sender: str = "lantern@localhost",
                 username: str | None = None, password: str | None = None,
                 start_tls: bool | None = None, timeout: float = 30.0) -> SendResult:
    """Send each person (recipient key with an address) a digest of their items not yet
    sent to them today. Keys without an address are listed in ``no_address``."""
    return asyncio.run(send_digests_async(
        items, addresses, on, host=host, port=port, sent_log=sent_log, sender=sender,
        username=username, password=password, start_tls=start_tls, timeout=timeout))
