"""The Operator's search vocabulary: synonym groups and departments' short names.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_search_vocabulary",
        sa.Column("name", sa.UnicodeText, primary_key=True),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("modified_by", sa.UnicodeText, nullable=False),
        sa.Column("modified_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("liuzhou_search_vocabulary")
