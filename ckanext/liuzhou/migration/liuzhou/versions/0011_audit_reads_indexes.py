"""Who read my data (Art 25, 28): indexes for the 读取记录 pages — a department's reads and
refusals, a user's own, and the last verification of the chain (``audit.verify`` rows).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

READS = sa.text("action IN ('data.read', 'data.refused')")


def upgrade():
    op.create_index("liuzhou_audit_log_provider_reads_idx", "liuzhou_audit_log", ["provider_org", "created"],
                    postgresql_where=READS)
    op.create_index("liuzhou_audit_log_reader_reads_idx", "liuzhou_audit_log", ["actor_id", "created"],
                    postgresql_where=READS)
    op.create_index("liuzhou_audit_log_verify_idx", "liuzhou_audit_log", ["id"],
                    postgresql_where=sa.text("action = 'audit.verify'"))


def downgrade():
    op.drop_index("liuzhou_audit_log_verify_idx", table_name="liuzhou_audit_log")
    op.drop_index("liuzhou_audit_log_reader_reads_idx", table_name="liuzhou_audit_log")
    op.drop_index("liuzhou_audit_log_provider_reads_idx", table_name="liuzhou_audit_log")
