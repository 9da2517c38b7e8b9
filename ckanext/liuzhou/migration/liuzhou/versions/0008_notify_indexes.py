"""Indexes for the 通知 inbox and the Art 17 check: GIN indexes on the ``notify`` department
lists of share request and lifecycle events (the inbox asks "names any of my departments",
JSONB ``?|``), and a covering index of normalised information item names with their provider,
so the duplicate check's candidate and provider-count queries are answered from the index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("liuzhou_share_request_event_notify_idx", "liuzhou_share_request_event",
                    ["notify"], postgresql_using="gin")
    op.create_index("liuzhou_lifecycle_event_notify_idx", "liuzhou_lifecycle_event",
                    ["notify"], postgresql_using="gin")
    op.create_index("liuzhou_item_name_norm_org_idx", "liuzhou_item_name",
                    ["name_norm", "org_id", "package_id"])


def downgrade():
    op.drop_index("liuzhou_item_name_norm_org_idx", table_name="liuzhou_item_name")
    op.drop_index("liuzhou_lifecycle_event_notify_idx", table_name="liuzhou_lifecycle_event")
    op.drop_index("liuzhou_share_request_event_notify_idx", table_name="liuzhou_share_request_event")
