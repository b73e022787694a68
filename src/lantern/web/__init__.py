"""The web application: pages and a JSON API over the warehouse and the app database.

Thin by design: figures come from `measures` through `assurance`, child-level views
from `casework`, work lists from `alerts`, access decisions from `security.policy` and
the route × role table in `web.access`. Nothing here computes an indicator.
"""
