"""Catalog imports in the national template (ckanext/liuzhou/transfer/model.py): one row per
upload, its dry run or import, the job's progress and heartbeat, the report, and the file.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_catalog_import",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("department_id", sa.UnicodeText, nullable=False),
        sa.Column("file_name", sa.UnicodeText, nullable=False),
        sa.Column("sha256", sa.UnicodeText, nullable=False),
        sa.Column("content", sa.LargeBinary),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("report", JSONB),
        sa.Column("error", sa.UnicodeText),
        sa.Column("source_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("started", sa.DateTime),
        sa.Column("finished", sa.DateTime),
        sa.Column("heartbeat", sa.DateTime),
    )
    op.create_index("ix_liuzhou_catalog_import_department_id", "liuzhou_catalog_import",
                    ["department_id", "created"])


def downgrade():
    op.drop_index("ix_liuzhou_catalog_import_department_id", "liuzhou_catalog_import")
    op.drop_table("liuzhou_catalog_import")
