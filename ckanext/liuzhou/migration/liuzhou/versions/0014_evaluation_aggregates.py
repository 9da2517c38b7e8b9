"""Evaluation aggregates and the Art 34 score's weights (ckanext/liuzhou/evaluation/model.py):
per-department, per-day and per-month figures of every aggregated indicator, the time they were
computed, and the weight of each indicator in the score.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_eval_agg",
        sa.Column("rows", sa.UnicodeText, primary_key=True),
        sa.Column("org_id", sa.UnicodeText, primary_key=True),
        sa.Column("grain", sa.Unicode(1), primary_key=True),  # d: a day, m: a month (its first day), k: a key
        sa.Column("key", sa.UnicodeText, primary_key=True, server_default=""),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("counts", ARRAY(sa.BigInteger)),
        sa.Column("vals", ARRAY(sa.Float)),   # a histogram: the values …
        sa.Column("freq", ARRAY(sa.BigInteger)),  # … and how often each occurs
    )
    # grain k: one row per department and distinct key (a consumer, an entry) with the days it
    # was served or used, so "distinct over a period" is one range test per row
    op.execute("ALTER TABLE liuzhou_eval_agg ADD COLUMN days datemultirange")
    op.create_index("ix_liuzhou_eval_agg_rows_grain_day", "liuzhou_eval_agg", ["rows", "grain", "day"])
    op.create_table(
        "liuzhou_eval_refresh",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("as_of", sa.DateTime, nullable=False),
        sa.Column("took_ms", sa.Integer, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "liuzhou_eval_weight",
        sa.Column("indicator", sa.UnicodeText, primary_key=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.Column("modified_by", sa.UnicodeText),
    )


def downgrade():
    op.drop_table("liuzhou_eval_weight")
    op.drop_table("liuzhou_eval_refresh")
    op.drop_index("ix_liuzhou_eval_agg_rows_grain_day", "liuzhou_eval_agg")
    op.drop_table("liuzhou_eval_agg")
