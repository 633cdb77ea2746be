"""The SQLite store: events, files read, input problems, runs and snapshots."""

from auditor.store.database import open_database
from auditor.store.event_store import EventStore, StoredFile

__all__ = ["EventStore", "StoredFile", "open_database"]
