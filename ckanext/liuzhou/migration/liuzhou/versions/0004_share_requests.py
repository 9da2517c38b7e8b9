"""Share requests (Art 25–26, 31): requests, scope of knowledge, timeline, coordination, delivery, quality issues.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

T = sa.UnicodeText


def _request_fk():
    return sa.ForeignKey("liuzhou_share_request.id", ondelete="CASCADE")


def upgrade():
    op.create_table(
        "liuzhou_share_request",
        sa.Column("id", T, primary_key=True),
        sa.Column("kind", T, nullable=False),
        sa.Column("package_id", T, nullable=False, index=True),
        sa.Column("provider_org_id", T, nullable=False, index=True),
        sa.Column("consumer_org_id", T, nullable=False, index=True),
        sa.Column("requester_id", T, nullable=False),
        sa.Column("resource_ids", JSONB, nullable=False),
        sa.Column("information_items", JSONB, nullable=False),
        sa.Column("purpose", T, nullable=False),
        sa.Column("basis", T, nullable=False),
        sa.Column("sharing_method", T, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("renews_id", T, sa.ForeignKey("liuzhou_share_request.id"), nullable=True),
        sa.Column("state", T, nullable=False, index=True),
        sa.Column("previous_state", T),
        sa.Column("deadline", sa.DateTime, index=True),
        sa.Column("state_changed_at", sa.DateTime, nullable=False),
        sa.Column("state_changed_by", T, nullable=False),
        sa.Column("decided_by", T),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_on_time", sa.Boolean),
        sa.Column("reason_code", T),
        sa.Column("reason", T),
        sa.Column("expiry_notice_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.CheckConstraint("valid_until >= valid_from", name="liuzhou_share_request_validity_check"),
    )
    op.create_table(
        "liuzhou_share_request_scope",
        sa.Column("share_request_id", T, _request_fk(), primary_key=True),
        sa.Column("user_id", T, primary_key=True, index=True),
    )
    op.create_table(
        "liuzhou_share_request_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("share_request_id", T, _request_fk(), nullable=False, index=True),
        sa.Column("event", T, nullable=False),
        sa.Column("from_state", T),
        sa.Column("to_state", T),
        sa.Column("actor_id", T),
        sa.Column("actor_role", T),
        sa.Column("actor_org_id", T),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("deadline", sa.DateTime),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("notify", JSONB, nullable=False),
    )
    op.create_table(
        "liuzhou_coordination",
        sa.Column("id", T, primary_key=True),
        sa.Column("share_request_id", T, _request_fk(), nullable=False, index=True),
        sa.Column("state", T, nullable=False),
        sa.Column("arbiter", T, nullable=False),
        sa.Column("previous_state", T, nullable=False),
        sa.Column("opened_by", T, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("request_reason", T, nullable=False),
        sa.Column("closed_by", T),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("meeting_date", sa.Date),
        sa.Column("participants", JSONB),
        sa.Column("outcome", T),
        sa.Column("outcome_notes", T),
    )
    op.create_table(
        "liuzhou_delivery",
        sa.Column("id", T, primary_key=True),
        sa.Column("share_request_id", T, _request_fk(), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("delivered_by", T, nullable=False),
        sa.Column("delivered_at", sa.DateTime, nullable=False),
        sa.Column("method", T, nullable=False),
        sa.Column("resource_ids", JSONB, nullable=False),
        sa.Column("notes", T, nullable=False, server_default=""),
        sa.Column("quality_window_ends", sa.DateTime, nullable=False),
        sa.UniqueConstraint("share_request_id", "number", name="liuzhou_delivery_request_number_key"),
    )
    op.create_table(
        "liuzhou_quality_issue",
        sa.Column("id", T, primary_key=True),
        sa.Column("share_request_id", T, _request_fk(), nullable=False, index=True),
        sa.Column("delivery_id", T, sa.ForeignKey("liuzhou_delivery.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", T, nullable=False),
        sa.Column("raised_by", T, nullable=False),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.Column("description", T, nullable=False),
        sa.Column("information_items", JSONB, nullable=False),
        sa.Column("deadline", sa.DateTime, nullable=False),
        sa.Column("responsible", T),
        sa.Column("resolved_by", T),
        sa.Column("resolved_at", sa.DateTime),
        sa.Column("resolution", T),
        sa.Column("on_time", sa.Boolean),
    )


def downgrade():
    for table in ("liuzhou_quality_issue", "liuzhou_delivery", "liuzhou_coordination",
                  "liuzhou_share_request_event", "liuzhou_share_request_scope", "liuzhou_share_request"):
        op.drop_table(table)
