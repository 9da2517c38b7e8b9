"""Audit log (Art 25, 28–33): append-only and hash-chained; PostgreSQL refuses UPDATE, DELETE, TRUNCATE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REFUSE = """
CREATE OR REPLACE FUNCTION liuzhou_audit_log_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'liuzhou_audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit records can only be added (Art 25, 31 traceability).';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    op.create_table(
        "liuzhou_audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("actor_name", sa.UnicodeText),
        sa.Column("actor_org", sa.UnicodeText),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("object_type", sa.UnicodeText),
        sa.Column("object_id", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("share_request_id", sa.UnicodeText),
        sa.Column("provider_org", sa.UnicodeText),
        sa.Column("purpose", sa.UnicodeText),
        sa.Column("remote_addr", sa.UnicodeText),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("prev_hash", sa.UnicodeText, nullable=False),
        sa.Column("hash", sa.UnicodeText, nullable=False, unique=True),
    )
    op.create_index("liuzhou_audit_log_created_idx", "liuzhou_audit_log", ["created"])
    op.create_index("liuzhou_audit_log_package_idx", "liuzhou_audit_log", ["package_id"])
    op.create_index("liuzhou_audit_log_request_idx", "liuzhou_audit_log", ["share_request_id"])
    op.create_index("liuzhou_audit_log_provider_idx", "liuzhou_audit_log", ["provider_org"])
    op.execute(REFUSE)
    op.execute("CREATE TRIGGER liuzhou_audit_log_append_only BEFORE UPDATE OR DELETE "
               "ON liuzhou_audit_log FOR EACH ROW EXECUTE FUNCTION liuzhou_audit_log_refuse()")
    op.execute("CREATE TRIGGER liuzhou_audit_log_no_truncate BEFORE TRUNCATE "
               "ON liuzhou_audit_log FOR EACH STATEMENT EXECUTE FUNCTION liuzhou_audit_log_refuse()")


def downgrade():
    op.drop_table("liuzhou_audit_log")  # drops its triggers
    op.execute("DROP FUNCTION IF EXISTS liuzhou_audit_log_refuse()")
