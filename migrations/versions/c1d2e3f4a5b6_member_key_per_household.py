"""A member's id is unique within its household, not across the database.

Revision ID: c1d2e3f4a5b6
Revises: b4efd17bef20
Create Date: 2026-11-23

"""
from alembic import op

revision = 'c1d2e3f4a5b6'
down_revision = 'b4efd17bef20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_household_id'))
        batch_op.drop_constraint('pk_member', type_='primary')
        batch_op.create_primary_key('pk_member', ['household_id', 'id'])


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_constraint('pk_member', type_='primary')
        batch_op.create_primary_key('pk_member', ['id'])
        batch_op.create_index(batch_op.f('ix_member_household_id'), ['household_id'], unique=False)
