"""Tables of the lifecycle rules (migration 0005). Times are naive UTC, like CKAN's own.

Every workflow row keeps its state, who acted, when and (where the rules set one) its
deadline; :mod:`.events` writes the timeline event and the audit row of each change in the
same transaction.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, UnicodeText,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

import ckan.model.types as _types
import ckan.plugins.toolkit as tk

from ..timeline import TimelineEvent


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


def _id():
    return Column(UnicodeText, primary_key=True, default=_types.make_uuid)


class _Workflow:
    """Columns every workflow row has."""
    state = Column(UnicodeText, nullable=False, index=True)
    state_changed_at = Column(DateTime, nullable=False, default=_utcnow)
    state_changed_by = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=_utcnow)
    modified = Column(DateTime, nullable=False, default=_utcnow)


class CatalogOffline(_Workflow, tk.BaseModel):
    """目录下线申请 (Art 20): a department asks to take one of its catalog entries offline."""
    __tablename__ = "liuzhou_catalog_offline"

    id = _id()
    package_id = Column(UnicodeText, nullable=False, index=True)
    provider_org_id = Column(UnicodeText, nullable=False, index=True)
    applicant_id = Column(UnicodeText, nullable=False)
    reason = Column(UnicodeText, nullable=False)
    attachment = Column(UnicodeText, nullable=False)        # stored file name (uploads/liuzhou_offline)
    attachment_name = Column(UnicodeText, nullable=False)   # the name the applicant gave it
    users = Column(JSONB)                                   # who requests or uses the entry, at review
    reviewed_by = Column(UnicodeText)
    reviewed_at = Column(DateTime)
    review_notes = Column(UnicodeText)
    meeting_date = Column(Date)                             # the coordination meeting (Art 20.3)
    participants = Column(JSONB)
    outcome = Column(UnicodeText)                           # offline | keep
    outcome_notes = Column(UnicodeText)
    coordinated_by = Column(UnicodeText)
    coordinated_at = Column(DateTime)
    filing_number = Column(UnicodeText, unique=True)        # 备案号 (Art 20.4)
    filed_at = Column(DateTime)
    filed_by = Column(UnicodeText)


class OfflineEntry(tk.BaseModel):
    """A catalog entry taken offline by an Art 20 application: hidden from search for others."""
    __tablename__ = "liuzhou_offline_entry"

    package_id = Column(UnicodeText, primary_key=True)
    application_id = Column(UnicodeText, ForeignKey("liuzhou_catalog_offline.id"), nullable=False)
    offline_since = Column(DateTime, nullable=False, default=_utcnow)
    offline_by = Column(UnicodeText, nullable=False)


class ResourceOffline(_Workflow, tk.BaseModel):
    """数据资源下线申请 (Art 21): approval within 3 WD, then a 10-WD public notice, then offline."""
    __tablename__ = "liuzhou_resource_offline"

    id = _id()
    package_id = Column(UnicodeText, nullable=False, index=True)
    resource_id = Column(UnicodeText, nullable=False, index=True)
    resource_name = Column(UnicodeText, nullable=False)
    provider_org_id = Column(UnicodeText, nullable=False, index=True)
    applicant_id = Column(UnicodeText, nullable=False)
    reason = Column(UnicodeText, nullable=False)
    legal_basis = Column(UnicodeText, nullable=False)
    deadline = Column(DateTime, index=True)                 # the Authority's 3 WD
    decided_by = Column(UnicodeText)
    decided_at = Column(DateTime)
    decision_on_time = Column(Boolean)
    decision_notes = Column(UnicodeText)
    notice_starts = Column(DateTime)
    notice_ends = Column(DateTime, index=True)              # end of the 10th WD of the notice
    notified_orgs = Column(JSONB, nullable=False, default=list)
    completed_by = Column(UnicodeText)
    completed_at = Column(DateTime)


class UpkeepNotice(tk.BaseModel):
    """目录维护通知 (Art 14): a law or a department's duties changed; entries updated within 10 WD."""
    __tablename__ = "liuzhou_upkeep_notice"

    id = _id()
    title = Column(UnicodeText, nullable=False)
    cause = Column(UnicodeText, nullable=False)             # law_change | duty_change
    basis = Column(UnicodeText, nullable=False)             # the law, or the decision changing the duties
    changed_on = Column(Date, nullable=False)               # 修订或职能变化之日
    description = Column(UnicodeText, nullable=False, default="")
    issued_by = Column(UnicodeText, nullable=False)
    issued_at = Column(DateTime, nullable=False, default=_utcnow)
    deadline = Column(DateTime, nullable=False, index=True)

    targets = relationship("UpkeepTarget", back_populates="notice", cascade="all, delete-orphan",
                           lazy="selectin", order_by="UpkeepTarget.id")


class UpkeepTarget(tk.BaseModel):
    """One department or entry named by a notice, and whether it has been updated."""
    __tablename__ = "liuzhou_upkeep_target"

    id = _id()
    notice_id = Column(UnicodeText, ForeignKey("liuzhou_upkeep_notice.id", ondelete="CASCADE"),
                       nullable=False, index=True)
    org_id = Column(UnicodeText, nullable=False, index=True)
    package_id = Column(UnicodeText, index=True)            # None: the department as a whole
    state = Column(UnicodeText, nullable=False, default="open")  # open | done
    done_by = Column(UnicodeText)
    done_at = Column(DateTime)
    response = Column(UnicodeText)
    on_time = Column(Boolean)

    notice = relationship("UpkeepNotice", back_populates="targets")


class AccountRequest(_Workflow, tk.BaseModel):
    """用户账户申请 (Art 12): new, changed or cancelled account, handled by the Operator in 2 WD."""
    __tablename__ = "liuzhou_account_request"

    id = _id()
    kind = Column(UnicodeText, nullable=False)              # create | modify | cancel
    org_id = Column(UnicodeText, nullable=False, index=True)
    requester_id = Column(UnicodeText, nullable=False)
    user_name = Column(UnicodeText, nullable=False)         # the account concerned (new name for create)
    user_id = Column(UnicodeText)                           # set for modify / cancel, and once created
    fullname = Column(UnicodeText)
    email = Column(UnicodeText)
    role = Column(UnicodeText)                              # member | editor | admin in the department
    reason = Column(UnicodeText, nullable=False)
    deadline = Column(DateTime, index=True)
    decided_by = Column(UnicodeText)
    decided_at = Column(DateTime)
    decision_on_time = Column(Boolean)
    decision_notes = Column(UnicodeText)


class InformationSystem(tk.BaseModel):
    """信息系统 (Art 16): registered at project approval with its catalog entries."""
    __tablename__ = "liuzhou_information_system"

    id = _id()
    name = Column(UnicodeText, nullable=False)
    org_id = Column(UnicodeText, nullable=False, index=True)
    stage = Column(UnicodeText, nullable=False)             # approval 立项 | construction 建设 | acceptance 验收
    project_code = Column(UnicodeText, nullable=False, default="")
    description = Column(UnicodeText, nullable=False, default="")
    created_by = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=_utcnow)
    modified_by = Column(UnicodeText, nullable=False)
    modified = Column(DateTime, nullable=False, default=_utcnow)

    entries = relationship("InformationSystemEntry", cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (UniqueConstraint("org_id", "name", name="liuzhou_information_system_org_name_key"),)


class InformationSystemEntry(tk.BaseModel):
    __tablename__ = "liuzhou_information_system_entry"

    system_id = Column(UnicodeText, ForeignKey("liuzhou_information_system.id", ondelete="CASCADE"),
                       primary_key=True)
    package_id = Column(UnicodeText, primary_key=True, index=True)


class ItemName(tk.BaseModel):
    """An entry's information-item names, normalised (Art 17): what the duplicate check compares."""
    __tablename__ = "liuzhou_item_name"

    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
                        primary_key=True)
    name_norm = Column(UnicodeText, primary_key=True, index=True)
    name = Column(UnicodeText, nullable=False)
    org_id = Column(UnicodeText, nullable=False)


class DuplicateWarning(tk.BaseModel):
    """一数一源 (Art 17): an entry whose items overlap those of another provider's entry."""
    __tablename__ = "liuzhou_duplicate_warning"

    id = _id()
    package_id = Column(UnicodeText, nullable=False, index=True)
    other_package_id = Column(UnicodeText, nullable=False, index=True)
    provider_org_id = Column(UnicodeText, nullable=False)
    other_org_id = Column(UnicodeText, nullable=False)
    shared = Column(JSONB, nullable=False)                  # the overlapping item names
    shared_count = Column(Integer, nullable=False)
    item_count = Column(Integer, nullable=False)
    ratio = Column(Integer, nullable=False)                 # per cent of the entry's items
    state = Column(UnicodeText, nullable=False, default="open")  # open | cleared
    first_detected = Column(DateTime, nullable=False, default=_utcnow)
    last_detected = Column(DateTime, nullable=False, default=_utcnow)
    detected_by = Column(UnicodeText)
    cleared_at = Column(DateTime)

    __table_args__ = (UniqueConstraint("package_id", "other_package_id",
                                       name="liuzhou_duplicate_warning_pair_key"),)


class Violation(tk.BaseModel):
    """A violation the Authority tracks (Art 33), e.g. a data service stopped without approval."""
    __tablename__ = "liuzhou_violation"

    id = _id()
    article = Column(UnicodeText, nullable=False)           # "33.1"
    kind = Column(UnicodeText, nullable=False)
    provider_org_id = Column(UnicodeText, nullable=False, index=True)
    package_id = Column(UnicodeText, index=True)
    resource_id = Column(UnicodeText)
    share_request_id = Column(UnicodeText)
    actor_id = Column(UnicodeText)
    created = Column(DateTime, nullable=False, default=_utcnow)
    detail = Column(JSONB, nullable=False, default=dict)
    state = Column(UnicodeText, nullable=False, default="open")  # open | confirmed | dismissed
    reviewed_by = Column(UnicodeText)
    reviewed_at = Column(DateTime)
    review_notes = Column(UnicodeText)


class LifecycleEvent(TimelineEvent, tk.BaseModel):
    """One entry of a lifecycle object's timeline: a state change or a notice."""
    __tablename__ = "liuzhou_lifecycle_event"

    object_type = Column(UnicodeText, nullable=False)
    object_id = Column(UnicodeText, nullable=False)
