"""The Dagster instance of a home: `$ACCUEIL_HOME/dagster/dagster.yaml`, written from the committed template.

The file is written again whenever its content would change, so a home follows the
template and the environment (ACCUEIL_DAGSTER_POSTGRES_URL) of whoever starts it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from accueil import config

TEMPLATE = Path(__file__).with_name("dagster.yaml")

POSTGRES_URL = "ACCUEIL_DAGSTER_POSTGRES_URL"

# The URL names psycopg2, the driver dagster-postgres ships with: SQLAlchemy 2.1 opens a bare
# postgresql:// URL with psycopg 3, which is not installed, and under which dagster-postgres's
# parametrised NOTIFY is a syntax error (tests/test_dagster_postgres.py).
DRIVER_PREFIX = "postgresql+psycopg2://"

# Dagster reads the URL from the environment each time it loads the instance, so the
# password never lands in the home's dagster.yaml.  One section covers run, event log
# and schedule storage.
POSTGRES_STORAGE = f"""\
# Run, event log and schedule storage on PostgreSQL, because {POSTGRES_URL} is set.
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL}
"""


# Without PostgreSQL: Dagster's SQLite files under the home, which need no server, with the
# event log's connections kept open (orchestration/event_log.py).  The folder is Dagster's
# default one, so the runs stored before are read as they were.
SQLITE_EVENT_LOG = """\
# Dagster's SQLite event log, its files kept open between events (orchestration/event_log.py).
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {folder}
"""


def instance_config(home: Path) -> str:
    """The instance configuration of the Dagster folder `home` in this environment: the template,
    plus where the runs and their events are stored."""
    text = TEMPLATE.read_text(encoding="utf-8")
    url = os.environ.get(POSTGRES_URL)
    if url:
        if not url.startswith(DRIVER_PREFIX):
            scheme = url.partition("://")[0] if "://" in url else "missing"  # never the rest: it has the password
            raise ValueError(
                f"{POSTGRES_URL} must look like {DRIVER_PREFIX}USER:PASSWORD@HOST:PORT/DATABASE "
                f"(psycopg2 is the driver dagster-postgres uses); its scheme is {scheme}"
            )
        return text + POSTGRES_STORAGE
    # JSON's quoting is YAML's: any folder name is read back as it is.
    return text + SQLITE_EVENT_LOG.format(folder=json.dumps(str(home / "history" / "runs") + os.sep))


def dagster_home() -> Path:
    """Create the home's Dagster folder and settings, and point DAGSTER_HOME at it."""
    home = config.home() / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    text = instance_config(home)
    if not settings.exists() or settings.read_text(encoding="utf-8") != text:
        settings.write_text(text, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
