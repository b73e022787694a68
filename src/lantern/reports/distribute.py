"""Distribution: when an edition is published, every leader on the distribution list
(configuration: roles or named users) is emailed once — a short note and a link to the
report in Lantern, never child data. Reuses the alert digests' SMTP settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from lantern.alerts.command import SmtpSettings
from lantern.appdb.reports import ReportRun
from lantern.reports.book import ReportBook, edition_label


@dataclass
class Distributed:
    sent: list[str] = field(default_factory=list)  # usernames
    already_sent: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def month_label(month: str) -> str:
    from datetime import date

    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1).strftime("%B %Y")


def compose(run: ReportRun, *, name: str, to: str, sender: str, base_url: str) -> EmailMessage:
    link = f"{base_url.rstrip('/')}/reports/{run.month}?edition={run.edition}"
    title = f"{month_label(run.month)} performance report ({edition_label(run.edition)})"
    msg = EmailMessage()
    msg["Subject"] = f"Published: {title}"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="lantern.local")
    msg.set_content(
        f"Dear {name},\n\nThe {title}, version {run.version}, has been endorsed and "
        f"published. Read it, with its headline themes and commentary, in Lantern:\n\n"
        f"{link}\n\nSHA-256 of the published file: {run.html_sha256}\n")
    return msg


async def _send(book: ReportBook, run: ReportRun, smtp: SmtpSettings, base_url: str,
                timeout: float) -> Distributed:
    out = Distributed()
    done = book.already_sent(run.id)
    pending = []
    for user in book.distribution_list():
        if user.username in done:
            out.already_sent.append(user.username)
        elif not user.email:
            out.no_address.append(user.username)
        else:
            pending.append(user)
    if not pending:
        return out
    client = aiosmtplib.SMTP(hostname=smtp.host, port=smtp.port, timeout=timeout,
                             start_tls=smtp.start_tls, username=smtp.username,
                             password=smtp.password)
    async with client:
        for user in pending:
            msg = compose(run, name=user.display_name, to=str(user.email),
                          sender=smtp.sender, base_url=base_url)
            try:
                await client.send_message(msg)
            except aiosmtplib.SMTPException as exc:
                out.failed[user.username] = str(exc)
                continue
            book.record_sent(run.id, user.username, str(user.email))
            out.sent.append(user.username)
    return out


def distribute(book: ReportBook, run: ReportRun, smtp: SmtpSettings, *, base_url: str,
               timeout: float = 30.0) -> Distributed:
    """Email a published edition to everyone on the list not yet sent it."""
    if run.state != "published":
        raise ValueError("only a published report is distributed")
    return asyncio.run(_send(book, run, smtp, base_url, timeout))
