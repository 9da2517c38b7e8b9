"""The scheduler's record of the reminders and overdue notices it sent: one row per object,
kind and deadline, so each is sent once whichever node runs the scheduler (Art 12, 14, 21, 26).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_deadline_notice",
        sa.Column("object_type", sa.UnicodeText, primary_key=True),
        sa.Column("object_id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, primary_key=True),       # reminder | overdue
        sa.Column("deadline", sa.DateTime, primary_key=True),
        sa.Column("sent_at", sa.DateTime, nullable=False),
        sa.Column("event_id", sa.Integer),                          # the timeline event it recorded
        sa.Column("notified", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_index("liuzhou_deadline_notice_sent_at_idx", "liuzhou_deadline_notice", ["sent_at"])


def downgrade():
    op.drop_table("liuzhou_deadline_notice")
