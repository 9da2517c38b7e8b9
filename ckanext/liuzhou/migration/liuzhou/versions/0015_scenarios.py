"""Application scenarios (应用场景, Art 34 support for applications): the scenario, the catalog
entries and the share requests it relies on (ckanext/liuzhou/scenario/model.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "liuzhou_scenario",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("org_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("serves", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False, index=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.Column("modified_by", sa.UnicodeText, nullable=False),
    )
    op.create_table(
        "liuzhou_scenario_entry",
        sa.Column("scenario_id", sa.UnicodeText, sa.ForeignKey("liuzhou_scenario.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("package_id", sa.UnicodeText, primary_key=True, index=True),
    )
    op.create_table(
        "liuzhou_scenario_request",
        sa.Column("scenario_id", sa.UnicodeText, sa.ForeignKey("liuzhou_scenario.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("share_request_id", sa.UnicodeText, primary_key=True, index=True),
    )


def downgrade():
    op.drop_table("liuzhou_scenario_request")
    op.drop_table("liuzhou_scenario_entry")
    op.drop_table("liuzhou_scenario")
