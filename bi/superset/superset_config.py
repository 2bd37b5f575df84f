"""Superset's configuration for planwatch (SUPERSET_CONFIG_PATH points here; bi/superset/serve.py sets it).

Local and single-user: the metadata database is SQLite under SUPERSET_HOME (warehouse/superset by default), the
server listens on 127.0.0.1 only. For a shared deployment use PostgreSQL for the metadata and a real secret.
"""

import os

_home = os.environ["SUPERSET_HOME"]

SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "planwatch-local-superset-only-not-a-secret")
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_home}/superset.db"
# No Redis here: results and thumbnails stay in process; the warehouse is small and local.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FEATURE_FLAGS = {"DASHBOARD_RBAC": False}
# API clients (serve.py, the test) log in with a JWT; the browser UI keeps CSRF protection.
WTF_CSRF_EXEMPT_LIST = ["superset.views.core.log", "superset.charts.data.api.data"]
