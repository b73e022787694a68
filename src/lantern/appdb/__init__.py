"""The app database: users, the access log, alert acknowledgements, settings.

SQLAlchemy 2 models, Alembic migrations shipped with the package (``migrate(url)``
upgrades to the latest), SQLite by default and PostgreSQL in production.
"""

from lantern.appdb.engine import (
    current_revision,
    head_revision,
    make_engine,
    migrate,
    session_factory,
)
from lantern.appdb.models import (
    AccessLogEntry,
    AlertAction,
    AppSetting,
    Base,
    User,
    UTCDateTime,
    utcnow,
)
from lantern.appdb.reports import (
    IndicatorCommentary,
    ReportDistribution,
    ReportRun,
    ReportStep,
)

__all__ = [
    "AccessLogEntry",
    "AlertAction",
    "AppSetting",
    "Base",
    "IndicatorCommentary",
    "ReportDistribution",
    "ReportRun",
    "ReportStep",
    "UTCDateTime",
    "User",
    "current_revision",
    "head_revision",
    "make_engine",
    "migrate",
    "session_factory",
    "utcnow",
]

# Every table's model must be in ``Base.metadata`` (the migrations are checked against it).
import lantern.actions.models
import lantern.governance.models
import lantern.plan.models
import lantern.quality.models  # noqa: F401
