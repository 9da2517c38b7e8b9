"""Evaluation (Art 34): indexes for the periods the indicators count over — when requests were
submitted, quality issues raised and data delivered, and the reads of each provider's data.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("liuzhou_share_request_created_idx", "liuzhou_share_request", ["created"])
    op.create_index("liuzhou_quality_issue_raised_idx", "liuzhou_quality_issue", ["raised_at"])
    op.create_index("liuzhou_delivery_delivered_idx", "liuzhou_delivery", ["delivered_at"])
    op.create_index("liuzhou_audit_log_reads_idx", "liuzhou_audit_log", ["provider_org", "created"],
                    postgresql_where=sa.text("action = 'data.read'"))


def downgrade():
    op.drop_index("liuzhou_audit_log_reads_idx", table_name="liuzhou_audit_log")
    op.drop_index("liuzhou_delivery_delivered_idx", table_name="liuzhou_delivery")
    op.drop_index("liuzhou_quality_issue_raised_idx", table_name="liuzhou_quality_issue")
    op.drop_index("liuzhou_share_request_created_idx", table_name="liuzhou_share_request")
