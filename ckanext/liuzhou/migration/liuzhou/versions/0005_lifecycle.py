"""Lifecycle rules (Art 12, 14, 16, 17, 20, 21, 33): catalog and resource offlining, upkeep
notices, account requests, information systems, one-data-one-source, violations, timeline.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

T = sa.UnicodeText
FILING_SEQUENCE = "liuzhou_catalog_offline_filing_seq"


def _workflow():
    return [
        sa.Column("state", T, nullable=False, index=True),
        sa.Column("state_changed_at", sa.DateTime, nullable=False),
        sa.Column("state_changed_by", T, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    ]


def upgrade():
    op.create_table(
        "liuzhou_catalog_offline",
        sa.Column("id", T, primary_key=True),
        sa.Column("package_id", T, nullable=False, index=True),
        sa.Column("provider_org_id", T, nullable=False, index=True),
        sa.Column("applicant_id", T, nullable=False),
        sa.Column("reason", T, nullable=False),
        sa.Column("attachment", T, nullable=False),
        sa.Column("attachment_name", T, nullable=False),
        sa.Column("users", JSONB),
        sa.Column("reviewed_by", T),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("review_notes", T),
        sa.Column("meeting_date", sa.Date),
        sa.Column("participants", JSONB),
        sa.Column("outcome", T),
        sa.Column("outcome_notes", T),
        sa.Column("coordinated_by", T),
        sa.Column("coordinated_at", sa.DateTime),
        sa.Column("filing_number", T, unique=True),
        sa.Column("filed_at", sa.DateTime),
        sa.Column("filed_by", T),
        *_workflow(),
    )
    # one open application per entry at a time
    op.create_index("liuzhou_catalog_offline_one_open", "liuzhou_catalog_offline", ["package_id"],
                    unique=True, postgresql_where=sa.text("state IN ('submitted', 'coordinating')"))
    op.execute(f"CREATE SEQUENCE IF NOT EXISTS {FILING_SEQUENCE}")
    op.create_table(
        "liuzhou_offline_entry",
        sa.Column("package_id", T, primary_key=True),
        sa.Column("application_id", T, sa.ForeignKey("liuzhou_catalog_offline.id"), nullable=False),
        sa.Column("offline_since", sa.DateTime, nullable=False),
        sa.Column("offline_by", T, nullable=False),
    )
    op.create_table(
        "liuzhou_resource_offline",
        sa.Column("id", T, primary_key=True),
        sa.Column("package_id", T, nullable=False, index=True),
        sa.Column("resource_id", T, nullable=False, index=True),
        sa.Column("resource_name", T, nullable=False),
        sa.Column("provider_org_id", T, nullable=False, index=True),
        sa.Column("applicant_id", T, nullable=False),
        sa.Column("reason", T, nullable=False),
        sa.Column("legal_basis", T, nullable=False),
        sa.Column("deadline", sa.DateTime, index=True),
        sa.Column("decided_by", T),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_on_time", sa.Boolean),
        sa.Column("decision_notes", T),
        sa.Column("notice_starts", sa.DateTime),
        sa.Column("notice_ends", sa.DateTime, index=True),
        sa.Column("notified_orgs", JSONB, nullable=False),
        sa.Column("completed_by", T),
        sa.Column("completed_at", sa.DateTime),
        *_workflow(),
    )
    op.create_index("liuzhou_resource_offline_one_open", "liuzhou_resource_offline", ["resource_id"],
                    unique=True, postgresql_where=sa.text("state IN ('submitted', 'notice')"))
    op.create_table(
        "liuzhou_upkeep_notice",
        sa.Column("id", T, primary_key=True),
        sa.Column("title", T, nullable=False),
        sa.Column("cause", T, nullable=False),
        sa.Column("basis", T, nullable=False),
        sa.Column("changed_on", sa.Date, nullable=False),
        sa.Column("description", T, nullable=False, server_default=""),
        sa.Column("issued_by", T, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("deadline", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "liuzhou_upkeep_target",
        sa.Column("id", T, primary_key=True),
        sa.Column("notice_id", T, sa.ForeignKey("liuzhou_upkeep_notice.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("org_id", T, nullable=False, index=True),
        sa.Column("package_id", T, index=True),
        sa.Column("state", T, nullable=False, server_default="open"),
        sa.Column("done_by", T),
        sa.Column("done_at", sa.DateTime),
        sa.Column("response", T),
        sa.Column("on_time", sa.Boolean),
    )
    op.create_table(
        "liuzhou_account_request",
        sa.Column("id", T, primary_key=True),
        sa.Column("kind", T, nullable=False),
        sa.Column("org_id", T, nullable=False, index=True),
        sa.Column("requester_id", T, nullable=False),
        sa.Column("user_name", T, nullable=False),
        sa.Column("user_id", T),
        sa.Column("fullname", T),
        sa.Column("email", T),
        sa.Column("role", T),
        sa.Column("reason", T, nullable=False),
        sa.Column("deadline", sa.DateTime, index=True),
        sa.Column("decided_by", T),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_on_time", sa.Boolean),
        sa.Column("decision_notes", T),
        *_workflow(),
    )
    op.create_table(
        "liuzhou_information_system",
        sa.Column("id", T, primary_key=True),
        sa.Column("name", T, nullable=False),
        sa.Column("org_id", T, nullable=False, index=True),
        sa.Column("stage", T, nullable=False),
        sa.Column("project_code", T, nullable=False, server_default=""),
        sa.Column("description", T, nullable=False, server_default=""),
        sa.Column("created_by", T, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified_by", T, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.UniqueConstraint("org_id", "name", name="liuzhou_information_system_org_name_key"),
    )
    op.create_table(
        "liuzhou_information_system_entry",
        sa.Column("system_id", T, sa.ForeignKey("liuzhou_information_system.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("package_id", T, primary_key=True, index=True),
    )
    op.create_table(
        "liuzhou_item_name",
        sa.Column("package_id", T, primary_key=True),
        sa.Column("name_norm", T, primary_key=True, index=True),
        sa.Column("name", T, nullable=False),
        sa.Column("org_id", T, nullable=False),
    )
    op.create_table(
        "liuzhou_duplicate_warning",
        sa.Column("id", T, primary_key=True),
        sa.Column("package_id", T, nullable=False, index=True),
        sa.Column("other_package_id", T, nullable=False, index=True),
        sa.Column("provider_org_id", T, nullable=False),
        sa.Column("other_org_id", T, nullable=False),
        sa.Column("shared", JSONB, nullable=False),
        sa.Column("shared_count", sa.Integer, nullable=False),
        sa.Column("item_count", sa.Integer, nullable=False),
        sa.Column("ratio", sa.Integer, nullable=False),
        sa.Column("state", T, nullable=False, server_default="open"),
        sa.Column("first_detected", sa.DateTime, nullable=False),
        sa.Column("last_detected", sa.DateTime, nullable=False),
        sa.Column("detected_by", T),
        sa.Column("cleared_at", sa.DateTime),
        sa.UniqueConstraint("package_id", "other_package_id", name="liuzhou_duplicate_warning_pair_key"),
    )
    op.create_table(
        "liuzhou_violation",
        sa.Column("id", T, primary_key=True),
        sa.Column("article", T, nullable=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("provider_org_id", T, nullable=False, index=True),
        sa.Column("package_id", T, index=True),
        sa.Column("resource_id", T),
        sa.Column("share_request_id", T),
        sa.Column("actor_id", T),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("state", T, nullable=False, server_default="open"),
        sa.Column("reviewed_by", T),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("review_notes", T),
    )
    op.create_table(
        "liuzhou_lifecycle_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("object_type", T, nullable=False),
        sa.Column("object_id", T, nullable=False),
        sa.Column("event", T, nullable=False),
        sa.Column("from_state", T),
        sa.Column("to_state", T),
        sa.Column("actor_id", T),
        sa.Column("actor_role", T),
        sa.Column("actor_org_id", T),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("deadline", sa.DateTime),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("notify", JSONB, nullable=False),
    )
    op.create_index("liuzhou_lifecycle_event_object", "liuzhou_lifecycle_event", ["object_type", "object_id"])
    _backfill_item_names()


def _backfill_item_names():
    """Entries published before this migration take part in the duplicate check (Art 17)."""
    from ckanext.liuzhou.lifecycle.normalize import items_of, normalized_names

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT p.id, p.owner_org, e.value FROM package p JOIN package_extra e ON e.package_id = p.id "
        "WHERE p.type = 'catalog' AND p.state = 'active' AND p.owner_org IS NOT NULL "
        "AND e.key = 'information_items' AND e.state = 'active'")).fetchall()
    insert = sa.text("INSERT INTO liuzhou_item_name (package_id, name_norm, name, org_id) "
                     "VALUES (:p, :k, :n, :o) ON CONFLICT DO NOTHING")
    for package_id, owner_org, raw in rows:
        for key, name in normalized_names(items_of(raw)).items():
            bind.execute(insert, {"p": package_id, "k": key, "n": name, "o": owner_org})


def downgrade():
    for table in ("liuzhou_lifecycle_event", "liuzhou_violation", "liuzhou_duplicate_warning",
                  "liuzhou_item_name", "liuzhou_information_system_entry", "liuzhou_information_system",
                  "liuzhou_account_request", "liuzhou_upkeep_target", "liuzhou_upkeep_notice",
                  "liuzhou_resource_offline", "liuzhou_offline_entry", "liuzhou_catalog_offline"):
        op.drop_table(table)
    op.execute(f"DROP SEQUENCE IF EXISTS {FILING_SEQUENCE}")
