"""`lantern users ...` and `lantern audit ...`: accounts and the access log.

Both act on the app database (``LANTERN_DATABASE_URL``, or ``app.sqlite`` under
``LANTERN_HOME``), migrating it to the latest schema first.
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from lantern.config import get_settings
from lantern.security.policy import ROLES

console = Console(soft_wrap=True)  # sentences stay whole lines when piped or logged
err = Console(stderr=True, soft_wrap=True)  # one line per error, never wrapped

users_app = typer.Typer(help="Local accounts: add, list, disable, set roles and scopes.",
                        no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)
audit_app = typer.Typer(help="The access log: verify its hash chain, show entries.",
                        no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)

SCOPE_HELP = "authority, team:<team id> or service:<service id>"


def _fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    if hint:
        err.print(f"  {hint}", highlight=False)
    raise typer.Exit(code)


def _engine() -> Engine:
    from lantern.appdb import make_engine, migrate

    url = get_settings().app_database_url
    try:
        engine = make_engine(url)
        migrate(engine)
    except SQLAlchemyError as e:
        _fail(f"cannot open the app database: {e.__class__.__name__}: "
              f"{str(e).splitlines()[0]}", "Check LANTERN_DATABASE_URL / LANTERN_HOME.")
    return engine


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            _fail("no password on standard input")
        return password
    if not sys.stdin.isatty():
        _fail("no terminal to ask for a password", "Use --password-stdin in scripts.", code=2)
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name (lower case)")],
    role: Annotated[str, typer.Option(help="One of: " + ", ".join(ROLES))],
    scope: Annotated[str, typer.Option(help=SCOPE_HELP)] = "authority",
    display_name: Annotated[str | None, typer.Option(
        help="Name shown in the app (default: the username)")] = None,
    email: Annotated[str | None, typer.Option(help="Email address")] = None,
    professional_id: Annotated[str | None, typer.Option(
        help="Their ssd_professionals id (workers and managers)")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin")] = False,
    sso_only: Annotated[bool, typer.Option(
        "--sso-only", help="No password: signs in through OpenID Connect only")] = False,
) -> None:
    """Create an account (asks for the password twice unless --password-stdin)."""
    from lantern.security.accounts import AccountError, UserStore, check_role, parse_scope

    try:
        check_role(role)
        scope_type, scope_value = parse_scope(scope)
    except AccountError as e:
        _fail(str(e), code=2)
    if sso_only and password_stdin:
        _fail("--sso-only and --password-stdin contradict each other", code=2)
    password = None if sso_only else _read_password(password_stdin)
    store = UserStore(_engine())
    try:
        p = store.add(username, password, display_name=display_name or username,
                      role=role, scope_type=scope_type, scope_value=scope_value,
                      professional_id=professional_id, email=email)
    except AccountError as e:
        _fail(str(e))
    console.print(f"Added [bold]{p.username}[/] ({p.role}, {scope}).", highlight=False)


@users_app.command("list")
def users_list() -> None:
    """Every account, with role, scope and state (never passwords)."""
    from lantern.appdb.models import utcnow
    from lantern.security.accounts import UserStore

    rows = UserStore(_engine()).list()
    if not rows:
        console.print("No accounts yet. Add one: lantern users add NAME --role admin")
        return
    now = utcnow()
    table = RichTable("username", "name", "role", "scope", "state", "last sign-in")
    for r in rows:
        state = "disabled" if r.disabled else "locked" if r.locked(now) else "active"
        if not r.has_password and not r.disabled:
            state += " (SSO only)"
        last = f"{r.last_login_at:%Y-%m-%d %H:%M}" if r.last_login_at else "never"
        table.add_row(r.username, r.display_name, r.role, r.scope, state, last)
    console.print(table)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The account to disable")],
) -> None:
    """Stop an account signing in (its open sessions end at their next request)."""
    from lantern.security.accounts import AccountError, UserStore

    try:
        UserStore(_engine()).disable(username)
    except AccountError as e:
        _fail(str(e))
    console.print(f"Disabled [bold]{username.lower()}[/].", highlight=False)


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="The account to enable")],
) -> None:
    """Re-enable an account and clear any lockout."""
    from lantern.security.accounts import AccountError, UserStore

    try:
        UserStore(_engine()).enable(username)
    except AccountError as e:
        _fail(str(e))
    console.print(f"Enabled [bold]{username.lower()}[/].", highlight=False)


@users_app.command("set-role")
def users_set_role(
    username: Annotated[str, typer.Argument(help="The account")],
    role: Annotated[str, typer.Argument(help="One of: " + ", ".join(ROLES))],
    scope: Annotated[str, typer.Option(help=SCOPE_HELP)] = "authority",
) -> None:
    """Change an account's role and scope."""
    from lantern.security.accounts import AccountError, UserStore, check_role, parse_scope

    try:
        check_role(role)
        scope_type, scope_value = parse_scope(scope)
    except AccountError as e:
        _fail(str(e), code=2)
    try:
        UserStore(_engine()).set_role(username, role, scope_type, scope_value)
    except AccountError as e:
        _fail(str(e))
    console.print(f"[bold]{username.lower()}[/] is now {role} ({scope}).", highlight=False)


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="The account")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin")] = False,
) -> None:
    """Set a new password (and clear any lockout)."""
    from lantern.security.accounts import AccountError, UserStore

    password = _read_password(password_stdin)
    try:
        UserStore(_engine()).set_password(username, password)
    except AccountError as e:
        _fail(str(e))
    console.print(f"Password changed for [bold]{username.lower()}[/].", highlight=False)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the access log's hash chain; exit 1 naming the first bad entry."""
    from lantern.security.access_log import AccessLog

    result = AccessLog(_engine()).verify()
    if not result.ok:
        _fail(f"access log tampered: {result.reason}",
              f"{result.entries} entries before it verify; entry {result.first_bad_id} "
              "and everything after it cannot be trusted.")
    console.print(f"Access log intact: {result.entries} entries, chain head "
                  f"{result.last_hash[:16]}…", highlight=False)


@audit_app.command("log")
def audit_log(
    child: Annotated[str | None, typer.Option(help="Only this child's entries")] = None,
    user: Annotated[str | None, typer.Option(help="Only this user's entries")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 50,
) -> None:
    """Show access-log entries, newest first."""
    from lantern.security.access_log import AccessLog

    rows = AccessLog(_engine()).entries(child, limit, username=user.lower() if user else None)
    if not rows:
        console.print("No access-log entries.")
        return
    table = RichTable("id", "at (UTC)", "user", "role", "action", "child", "path")
    for e in rows:
        table.add_row(str(e.id), f"{e.at:%Y-%m-%d %H:%M:%S}", e.username, e.role, e.action,
                      e.child_id or "-", e.path)
    console.print(table)
