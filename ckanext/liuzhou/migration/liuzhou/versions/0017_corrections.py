"""Error reports (校核纠错, national regulation Art 26): the reports and their history.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_correction",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("target", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("provider_org_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("reporter_id", sa.UnicodeText, nullable=False),
        sa.Column("reporter_org_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("field", sa.UnicodeText),
        sa.Column("rows", sa.UnicodeText),
        sa.Column("columns", JSONB, nullable=False, server_default="[]"),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("evidence", sa.UnicodeText),
        sa.Column("evidence_name", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False, index=True),
        sa.Column("deadline", sa.DateTime, index=True),
        sa.Column("state_changed_at", sa.DateTime, nullable=False),
        sa.Column("state_changed_by", sa.UnicodeText, nullable=False),
        sa.Column("dispute_reason", sa.UnicodeText),
        sa.Column("disputed_by", sa.UnicodeText),
        sa.Column("disputed_at", sa.DateTime),
        sa.Column("outcome", sa.UnicodeText),
        sa.Column("settlement", sa.UnicodeText),
        sa.Column("settled_by", sa.UnicodeText),
        sa.Column("settled_at", sa.DateTime),
        sa.Column("correction", sa.UnicodeText),
        sa.Column("corrected_by", sa.UnicodeText),
        sa.Column("corrected_at", sa.DateTime),
        sa.Column("on_time", sa.Boolean),
        sa.Column("created", sa.DateTime, nullable=False, index=True),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_table(
        "liuzhou_correction_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("correction_id", sa.UnicodeText,
                  sa.ForeignKey("liuzhou_correction.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("actor_role", sa.UnicodeText),
        sa.Column("actor_org_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("deadline", sa.DateTime),
        sa.Column("detail", JSONB, nullable=False, server_default="{}"),
        sa.Column("notify", JSONB, nullable=False, server_default="[]"),
    )
    # the inbox reads events by the departments they notify (as migration 0008 for the others)
    op.create_index("liuzhou_correction_event_notify_idx", "liuzhou_correction_event", ["notify"],
                    postgresql_using="gin")


def downgrade():
    op.drop_index("liuzhou_correction_event_notify_idx", table_name="liuzhou_correction_event")
    op.drop_table("liuzhou_correction_event")
    op.drop_table("liuzhou_correction")
