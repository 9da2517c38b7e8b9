"""Cascade with the autonomous-region platform (Art 9, 23): regional entries harvested here,
the negative list's versions, and the city entries it flags.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

T = sa.UnicodeText


def upgrade():
    op.create_table(
        "liuzhou_cascade_entry",
        sa.Column("package_id", T, primary_key=True),
        sa.Column("source_id", T, nullable=False, index=True),
        sa.Column("remote_id", T, nullable=False),
        sa.Column("remote_name", T, nullable=False),
        sa.Column("remote_resource_code", T),
        sa.Column("missing_fields", JSONB, nullable=False, server_default="[]"),
        sa.Column("remote_modified", T),
        sa.Column("harvested_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "liuzhou_negative_list_version",
        sa.Column("id", T, primary_key=True),
        sa.Column("fetched_at", sa.DateTime, nullable=False, index=True),
        sa.Column("fetched_by", T, nullable=False),
        sa.Column("source_url", T, nullable=False),
        sa.Column("sha256", T, nullable=False),
        sa.Column("items", JSONB, nullable=False),
        sa.Column("added", JSONB, nullable=False, server_default="[]"),
        sa.Column("removed", JSONB, nullable=False, server_default="[]"),
    )


def downgrade():
    op.drop_table("liuzhou_negative_list_version")
    op.drop_table("liuzhou_cascade_entry")
