"""The information-item names (Art 17) of an entry go with the entry: a foreign key to
``package`` with ``ON DELETE CASCADE``. Without it an entry removed by plain SQL (ckanext-harvest's
``harvest_source_clear`` deletes a source's packages that way) left its names behind, and the
same entry harvested again could not store them (the key ``package_id, name_norm`` was taken).
Names left by such deletes before this revision are removed first. The key is checked at
commit (deferred): the names of a new entry may be written before its package row.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM liuzhou_item_name i WHERE NOT EXISTS (SELECT 1 FROM package p WHERE p.id = i.package_id)")
    op.create_foreign_key("liuzhou_item_name_package_fk", "liuzhou_item_name", "package",
                          ["package_id"], ["id"], ondelete="CASCADE",
                          deferrable=True, initially="DEFERRED")


def downgrade():
    op.drop_constraint("liuzhou_item_name_package_fk", "liuzhou_item_name", type_="foreignkey")
