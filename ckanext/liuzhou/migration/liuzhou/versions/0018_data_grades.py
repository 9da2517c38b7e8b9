"""Data grading (分级分类) and personal information: the Operator's list of grades, and on each
share request the Authority's approval of a graded entry and the personal items whose use
the purpose was approved for (《政务数据共享条例》 security and personal-information duties).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_data_grade",
        sa.Column("value", sa.UnicodeText, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label_zh", sa.UnicodeText, nullable=False),
        sa.Column("label_en", sa.UnicodeText, nullable=False),
        sa.Column("authority_approval", sa.Boolean, nullable=False),
        sa.Column("modified_by", sa.UnicodeText, nullable=False),
        sa.Column("modified_at", sa.DateTime, nullable=False),
    )
    op.add_column("liuzhou_share_request", sa.Column("data_grade", sa.UnicodeText))
    op.add_column("liuzhou_share_request", sa.Column("personal_items", JSONB, nullable=False,
                                                     server_default=sa.text("'[]'::jsonb")))
    op.add_column("liuzhou_share_request", sa.Column("authority_decided_by", sa.UnicodeText))
    op.add_column("liuzhou_share_request", sa.Column("authority_decided_at", sa.DateTime))


def downgrade():
    for column in ("authority_decided_at", "authority_decided_by", "personal_items", "data_grade"):
        op.drop_column("liuzhou_share_request", column)
    op.drop_table("liuzhou_data_grade")
