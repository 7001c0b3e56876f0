"""The service's database as the commands a person runs open it: never made where there is none.

A SQLite DATABASE_URL names a file (relative ones from the folder the command runs in);
opening a missing one with SQLAlchemy would create an empty database there, and a
report or list of it would say "nothing" instead of "wrong place".
"""

from pathlib import Path

from ..errors import ConfigError
from ..store.handle import Database
from ..store.inbox import Inbox

SQLITE = "sqlite:///"


def _missing_file(database_url: str) -> Path | None:
    """The SQLite file the URL names, when it does not exist."""
    if not database_url.startswith(SQLITE) or database_url == SQLITE + ":memory:":
        return None
    path = Path(database_url.removeprefix(SQLITE).split("?", 1)[0])
    return None if path.exists() else path


def service_database(database_url: str) -> Inbox | None:
    """The service's database when it exists here (None: a SQLite file that is not there)."""
    return None if _missing_file(database_url) else Inbox(Database(database_url))


def existing_database(database_url: str) -> Inbox:
    """The service's database; a ConfigError naming the file and the fix when it is not there."""
    missing = _missing_file(database_url)
    if missing:
        relative = "" if missing.is_absolute() else (f" ({database_url} is relative to the folder the command runs in)")
        raise ConfigError(
            "DATABASE_URL",
            f"the service's database {missing.absolute()} does not exist{relative}: run "
            f"the command where the service runs, with its DATABASE_URL",
        )
    return Inbox(Database(database_url))
