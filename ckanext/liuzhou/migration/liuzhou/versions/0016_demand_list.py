"""The demand list (共享需求, 《政务数据共享条例》, sharing chapter): needs and their timeline
(ckanext/liuzhou/demand/model.py).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_demand",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("duty", sa.UnicodeText, nullable=False),
        sa.Column("basis", sa.UnicodeText, nullable=False),
        sa.Column("information_items", JSONB, nullable=False, server_default="[]"),
        sa.Column("needed_by", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date),
        sa.Column("consumer_org_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("requester_id", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False, index=True),
        sa.Column("provider_org_id", sa.UnicodeText, index=True),
        sa.Column("deadline", sa.DateTime, index=True),
        sa.Column("assigned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("disclaimed", JSONB, nullable=False, server_default="[]"),
        sa.Column("state_changed_at", sa.DateTime, nullable=False),
        sa.Column("state_changed_by", sa.UnicodeText, nullable=False),
        sa.Column("routed_at", sa.DateTime),
        sa.Column("routed_by", sa.UnicodeText),
        sa.Column("answer", sa.UnicodeText),
        sa.Column("reason_code", sa.UnicodeText),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText, index=True),
        sa.Column("share_request_id", sa.UnicodeText),
        sa.Column("answered_by", sa.UnicodeText),
        sa.Column("answered_at", sa.DateTime),
        sa.Column("answered_on_time", sa.Boolean),
        sa.Column("created", sa.DateTime, nullable=False, index=True),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_table(
        "liuzhou_demand_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("demand_id", sa.UnicodeText, sa.ForeignKey("liuzhou_demand.id", ondelete="CASCADE"),
                  nullable=False, index=True),
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


def downgrade():
    op.drop_table("liuzhou_demand_event")
    op.drop_table("liuzhou_demand")
