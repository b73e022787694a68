"""Email digests end to end: aiosmtpd on loopback, each person gets only their own
children's items, once; no child names or ids in the subject line."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from lantern.alerts import by_recipient, compose, run_alerts, send_digests
from tests.alerts_fixtures import Warehouse

ON = date(2024, 3, 1)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content,
                                                       policy=email.policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def authority() -> Warehouse:
    """Two teams. T1: worker W1 (children C1 'Alice', C2), manager TM1. T2: worker W2 (C3),
    manager TM2. One head of service HOS1 and director DD1."""
    w = Warehouse().staffed()
    w.add("ssd_department", dept_team_id="T2", dept_team_parent_id="safeguarding")
    w.professional("W2", "Social Worker", "T2").professional("TM2", "Team Manager", "T2")
    w.child("C1", pers_forename="Alice", pers_surname="Smith").allocate("C1")
    w.child("C2").allocate("C2")
    w.child("C3").allocate("C3", worker="W2", team="T2")
    # C1: seen 12 Feb -> due 26 Feb, 4 working days late on 1 Mar (W1, TM1).
    w.cp_plan("P1", "C1", date(2023, 6, 1)).cp_visit("P1", "C1", date(2024, 2, 12))
    # C2: plan from 19 Feb, no visit -> due 4 Mar, due soon (W1).
    w.cp_plan("P2", "C2", date(2024, 2, 19))
    # C3: seen 22 Feb -> due 7 Mar, due soon (W2).
    w.cp_plan("P3", "C3", date(2023, 6, 1)).cp_visit("P3", "C3", date(2024, 2, 22))
    # Reviews held 1 Dec 2023: the next are due 1 Jun 2024, outside the reminder window.
    w.cp_review("P1", "C1", date(2023, 12, 1)).cp_review("P3", "C3", date(2023, 12, 1))
    return w


ADDRESSES = {"W1": "w1@example.org", "W2": "w2@example.org", "TM1": "tm1@example.org",
             "TM2": "tm2@example.org", "HOS1": "hos1@example.org"}


def test_digests_go_to_the_right_people_once(smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    items = run_alerts(authority().con, ON)
    assert {(i.child_id, i.status) for i in items} == {
        ("C1", "escalated"), ("C2", "due_soon"), ("C3", "due_soon")}
    log = tmp_path / "sent.sqlite"
    result = send_digests(items, ADDRESSES, ON, host="127.0.0.1", port=port, sent_log=log)
    assert result.sent == {"W1": 2, "TM1": 1, "W2": 1}
    got = {tuple(to): msg for to, msg in inbox.messages}
    assert set(got) == {("w1@example.org",), ("tm1@example.org",), ("w2@example.org",)}

    def body(msg: EmailMessage) -> str:
        part = msg.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    w1 = got[("w1@example.org",)]
    assert w1["Subject"] == "Lantern: 1 overdue, 1 due soon – 1 March 2024"
    assert "C1" in body(w1) and "C2" in body(w1) and "C3" not in body(w1)
    assert "C3" in body(got[("w2@example.org",)]) and "C1" not in body(got[("w2@example.org",)])
    tm1 = body(got[("tm1@example.org",)])
    assert "C1" in tm1 and "C2" not in tm1 and "C3" not in tm1
    for _, msg in inbox.messages:
        assert "Alice" not in msg["Subject"] and "Smith" not in msg["Subject"]
        assert "C1" not in msg["Subject"]
        assert "Alice" not in msg.as_string()  # names are never loaded into items

    # Re-running the same day sends nothing twice.
    again = send_digests(items, ADDRESSES, ON, host="127.0.0.1", port=port, sent_log=log)
    assert again.sent == {} and sorted(again.already_sent) == ["TM1", "W1", "W2"]
    assert len(inbox.messages) == 3
    # A new item later that day goes out alone.
    w = authority().child("C4").allocate("C4")
    w.cp_plan("P4", "C4", date(2024, 2, 19))
    third = send_digests(run_alerts(w.con, ON), ADDRESSES, ON, host="127.0.0.1", port=port,
                         sent_log=log)
    assert third.sent == {"W1": 1}
    assert "C4" in body(inbox.messages[-1][1]) and "C2" not in body(inbox.messages[-1][1])
    # The next day is a new digest.
    nxt = send_digests(items, ADDRESSES, date(2024, 3, 2), host="127.0.0.1", port=port,
                       sent_log=log)
    assert set(nxt.sent) == {"W1", "TM1", "W2"}


def test_recipients_without_address_are_reported(smtp: tuple[Inbox, int],
                                                 tmp_path: Path) -> None:
    inbox, port = smtp
    items = run_alerts(authority().con, ON)
    result = send_digests(items, {"W2": "w2@example.org"}, ON, host="127.0.0.1", port=port,
                          sent_log=tmp_path / "log.sqlite")
    assert result.sent == {"W2": 1} and sorted(result.no_address) == ["TM1", "W1"]
    assert len(inbox.messages) == 1


def test_compose_plain_and_html() -> None:
    items = run_alerts(authority().con, ON)
    mine = by_recipient(items)["W1"]
    msg = compose("W1", mine, ON, to="w1@example.org", sender="lantern@example.org")
    assert msg.is_multipart()
    html_part = msg.get_body(preferencelist=("html",))
    assert html_part is not None and "<table>" in str(html_part.get_content())
    assert "Child protection visit" in str(html_part.get_content())
