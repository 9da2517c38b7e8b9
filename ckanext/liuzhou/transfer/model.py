"""The catalog imports (table ``liuzhou_catalog_import``, migration 0013): who imported which
file for which department, the job's state and progress, and the report.

The uploaded bytes are kept with the row, so "import the valid rows" after a dry run imports
exactly the file the dry run judged (its sha256 is on the row).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERRUPTED = "interrupted"   # shown, never stored: running with a stale heartbeat


class CatalogImport(tk.BaseModel):
    __tablename__ = "liuzhou_catalog_import"

    id = Column(UnicodeText, primary_key=True)
    user_id = Column(UnicodeText, nullable=False)
    department_id = Column(UnicodeText, nullable=False)
    file_name = Column(UnicodeText, nullable=False)
    sha256 = Column(UnicodeText, nullable=False)
    content = Column(LargeBinary)
    dry_run = Column(Boolean, nullable=False, default=True)
    state = Column(UnicodeText, nullable=False, default=QUEUED)
    done = Column(Integer, nullable=False, default=0)
    total = Column(Integer, nullable=False, default=0)
    report = Column(JSONB)
    error = Column(UnicodeText)
    source_id = Column(UnicodeText)    # the dry run whose file a real import reuses
    created = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    started = Column(DateTime)
    finished = Column(DateTime)
    heartbeat = Column(DateTime)
