"""Routers: sign-in, pages, admin pages and the JSON API."""
