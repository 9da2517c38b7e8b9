"""Tables of the application scenarios (migration 0015). Times are naive UTC, like CKAN's own.

A scenario belongs to one department (``org_id``, the department whose business it is) and
cites the catalog entries and the share requests it relies on (one row per citation, so the
evaluation counts them in SQL). A deleted scenario keeps its rows, in state ``deleted``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, UnicodeText
from sqlalchemy.orm import relationship

import ckan.model.types as _types
import ckan.plugins.toolkit as tk

ACTIVE, DELETED = "active", "deleted"


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class Scenario(tk.BaseModel):
    """应用场景: a business scenario of a department that uses shared data."""
    __tablename__ = "liuzhou_scenario"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    org_id = Column(UnicodeText, nullable=False, index=True)
    name = Column(UnicodeText, nullable=False)
    serves = Column(UnicodeText, nullable=False)        # the business it serves, in words
    state = Column(UnicodeText, nullable=False, default=ACTIVE, index=True)
    created = Column(DateTime, nullable=False, default=_utcnow)
    created_by = Column(UnicodeText, nullable=False)
    modified = Column(DateTime, nullable=False, default=_utcnow)
    modified_by = Column(UnicodeText, nullable=False)

    entries = relationship("ScenarioEntry", cascade="all, delete-orphan", order_by="ScenarioEntry.package_id")
    requests = relationship("ScenarioRequest", cascade="all, delete-orphan",
                            order_by="ScenarioRequest.share_request_id")


class ScenarioEntry(tk.BaseModel):
    """A catalog entry a scenario relies on."""
    __tablename__ = "liuzhou_scenario_entry"

    scenario_id = Column(UnicodeText, ForeignKey("liuzhou_scenario.id", ondelete="CASCADE"), primary_key=True)
    package_id = Column(UnicodeText, primary_key=True, index=True)


class ScenarioRequest(tk.BaseModel):
    """A share request a scenario relies on."""
    __tablename__ = "liuzhou_scenario_request"

    scenario_id = Column(UnicodeText, ForeignKey("liuzhou_scenario.id", ondelete="CASCADE"), primary_key=True)
    share_request_id = Column(UnicodeText, primary_key=True, index=True)
