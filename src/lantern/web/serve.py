"""Run the web app with uvicorn (loopback only unless a host is given)."""

from __future__ import annotations

from lantern.config import Settings, get_settings


def run(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    import uvicorn

    from lantern.web.app import create_app

    app = create_app(settings or get_settings())
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False,
                log_level="info")
