"""Catalog codes: counters, department numbers and issued resource codes (Art 13).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_code_counter",
        sa.Column("prefix", sa.Text, primary_key=True),
        sa.Column("last_value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "liuzhou_department_number",
        sa.Column("org_id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
    )
    op.create_table(
        "liuzhou_resource_code",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("package_name", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False, server_default=sa.text("now()")),
        sa.UniqueConstraint("prefix", "sequence", name="liuzhou_resource_code_prefix_sequence_key"),
    )


def downgrade():
    op.drop_table("liuzhou_resource_code")
    op.drop_table("liuzhou_department_number")
    op.drop_table("liuzhou_code_counter")
