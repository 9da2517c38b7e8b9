"""Tables of the cascade (migration 0006). Times are naive UTC, like CKAN's own."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as model
import ckan.model.types as _types
import ckan.plugins.toolkit as tk


def utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class CascadeEntry(tk.BaseModel):
    """A catalog entry mirrored from the regional platform: read-only here (Art 9).

    ``missing_fields`` names the catalog fields the regional entry did not provide; the entry
    holds a marker value there (see :mod:`.mapping`), shown on its page.
    """
    __tablename__ = "liuzhou_cascade_entry"
    package_id = Column(UnicodeText, primary_key=True)
    source_id = Column(UnicodeText, nullable=False, index=True)
    remote_id = Column(UnicodeText, nullable=False)
    remote_name = Column(UnicodeText, nullable=False)
    remote_resource_code = Column(UnicodeText)
    missing_fields = Column(JSONB, nullable=False, default=list)
    remote_modified = Column(UnicodeText)
    harvested_at = Column(DateTime, nullable=False, default=utcnow)

    @classmethod
    def get(cls, package_id: str) -> "CascadeEntry | None":
        return model.Session.get(cls, package_id) if package_id else None


class NegativeListVersion(tk.BaseModel):
    """One fetch of the regional negative list (负面清单) that changed it; kept for history."""
    __tablename__ = "liuzhou_negative_list_version"
    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    fetched_at = Column(DateTime, nullable=False, default=utcnow)
    fetched_by = Column(UnicodeText, nullable=False)
    source_url = Column(UnicodeText, nullable=False)
    sha256 = Column(UnicodeText, nullable=False)
    items = Column(JSONB, nullable=False)
    added = Column(JSONB, nullable=False, default=list)
    removed = Column(JSONB, nullable=False, default=list)
