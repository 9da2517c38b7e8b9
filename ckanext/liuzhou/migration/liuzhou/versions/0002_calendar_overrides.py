"""Working-day calendar: the Operator's holiday overrides and confirmed years (Art 12, 14, 21, 26).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_holiday_override",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("workday", sa.Boolean, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("set_by", sa.UnicodeText, nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False, server_default=sa.text("(now() at time zone 'utc')")),
    )
    op.create_table(
        "liuzhou_calendar_year",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("confirmed_by", sa.UnicodeText, nullable=False),
        sa.Column("confirmed_at", sa.DateTime, nullable=False, server_default=sa.text("(now() at time zone 'utc')")),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    )


def downgrade():
    op.drop_table("liuzhou_calendar_year")
    op.drop_table("liuzhou_holiday_override")
