"""The audit log table (migration 0003).

Deliberately NOT on ``toolkit.BaseModel``'s metadata: CKAN's test reset
(``model.repo.delete_all``) issues ``DELETE FROM`` on every table of that metadata, and this
table refuses DELETE at the database level (trigger ``liuzhou_audit_log_append_only``). It
shares CKAN's Session all the same, so a state change and its audit row commit together.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base

metadata = MetaData()
Base = declarative_base(metadata=metadata)

TABLE = "liuzhou_audit_log"


class AuditLog(Base):
    __tablename__ = TABLE

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    created = Column(DateTime, nullable=False)
    actor_id = Column(UnicodeText)
    actor_name = Column(UnicodeText)
    actor_org = Column(UnicodeText)          # the department the actor acted for (name)
    action = Column(UnicodeText, nullable=False)  # e.g. share_request.approve, data.read
    object_type = Column(UnicodeText)
    object_id = Column(UnicodeText)
    package_id = Column(UnicodeText)
    resource_id = Column(UnicodeText)
    share_request_id = Column(UnicodeText)
    provider_org = Column(UnicodeText)       # owner of the data concerned (name), for providers' view
    purpose = Column(UnicodeText)
    remote_addr = Column(UnicodeText)
    detail = Column(JSONB, nullable=False)
    prev_hash = Column(UnicodeText, nullable=False)
    hash = Column(UnicodeText, nullable=False, unique=True)

    CONTENT = ("created", "actor_id", "actor_name", "actor_org", "action", "object_type",
               "object_id", "package_id", "resource_id", "share_request_id", "provider_org",
               "purpose", "remote_addr", "detail")
