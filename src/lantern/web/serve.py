"""Run the web app with uvicorn (loopback only unless a host is given).

``workers`` (default ``LANTERN_WEB_WORKERS``, else 1) uvicorn worker processes share the
port; each holds its own copy of the warehouse (`web.snapshot`) and its own caches.
Sign-in throttling (`session.Throttle`) counts per process, so with N workers a client
gets up to N times the attempts before HTTP 429; the account lock-out after repeated
failures is kept in the app database and is the same for every worker.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from lantern.config import Settings, get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

SETTINGS_ENV = "LANTERN_WEB_SETTINGS"  # the parent's settings, for worker processes


def workers_from_env() -> int:
    raw = os.environ.get("LANTERN_WEB_WORKERS", "").strip()
    return max(1, int(raw)) if raw else 1


def serving_app(settings: Settings) -> FastAPI:
    """The app as a server process runs it: a background thread computes what the first
    pages need as it starts and again after each load (`deps.keep_warm`), so the first
    people to sign in do not wait for the month's figures."""
    from lantern.web.app import create_app
    from lantern.web.deps import keep_warm

    app = create_app(settings)
    stop = threading.Event()

    def start_warming() -> None:
        threading.Thread(target=keep_warm, args=(app, stop), name="lantern-warm",
                         daemon=True).start()

    app.router.on_startup.append(start_warming)
    app.router.on_shutdown.append(stop.set)
    return app


def worker_app() -> FastAPI:
    """The app in a uvicorn worker process (``factory=True``): the settings `run` was
    given, passed through the environment."""
    raw = os.environ.get(SETTINGS_ENV)
    return serving_app(Settings.model_validate_json(raw) if raw else get_settings())


def run(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None,
        workers: int | None = None) -> None:
    import uvicorn

    settings = settings or get_settings()
    workers = workers or workers_from_env()
    if workers == 1:
        uvicorn.run(serving_app(settings), host=host, port=port, proxy_headers=False,
                    server_header=False, log_level="info")
        return
    from lantern.appdb import migrate
    from lantern.web.config import WebConfig

    # Once, before the workers start: the app database's schema, and the session key
    # (created in LANTERN_HOME when not set), so every worker signs with the same key.
    migrate(settings.app_database_url)
    WebConfig.from_env(settings.home)
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run("lantern.web.serve:worker_app", factory=True, workers=workers, host=host,
                port=port, proxy_headers=False, server_header=False, log_level="info")
