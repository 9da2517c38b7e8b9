"""Idempotency keys of the create actions (:mod:`ckanext.liuzhou.idempotency`): one row per
user, action and key, naming the object the first call with the key made, so a resent form or
a retried API call returns that object instead of making a second one.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_idempotency_key",
        sa.Column("user_id", sa.UnicodeText, primary_key=True),
        sa.Column("action", sa.UnicodeText, primary_key=True),
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("object_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("liuzhou_idempotency_key")
