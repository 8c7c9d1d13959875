"""The audit log of accounts and sign-ins; who revoked a sign-in and when it last synced."""
import sqlalchemy as sa
from alembic import op

revision = 'b1c2d3e4f5a6'
down_revision = 'a0b1c2d3e4f5'


def upgrade():
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('device_label', sa.String(length=120), nullable=True),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'])
    op.create_index('ix_audit_event_actor_id', 'audit_event', ['actor_id'])
    op.create_index('ix_audit_event_user_id', 'audit_event', ['user_id'])
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_sign_in_revoked_by', 'user_account', ['revoked_by'], ['id']
        )


def downgrade():
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sign_in_revoked_by', type_='foreignkey')
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('last_sync_at')
    op.drop_index('ix_audit_event_user_id', table_name='audit_event')
    op.drop_index('ix_audit_event_actor_id', table_name='audit_event')
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.drop_table('audit_event')
