"""Spot checks: the households of a village the township or the county checks again; a
village's households of a campaign counted from an index alone."""
import sqlalchemy as sa
from alembic import op

revision = 'b7c8d9e0f1a2'
down_revision = '3d9a6c2e7b41'


def upgrade():
    op.create_table(
        'spot_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('household_id', sa.String(length=36), nullable=False),
        sa.Column('sampled', sa.Boolean(), nullable=False),
        sa.Column('drawn_by', sa.Integer(), nullable=True),
        sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('checked_by', sa.Integer(), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaign.id'], name=op.f('fk_spot_check_campaign_id_campaign')
        ),
        sa.ForeignKeyConstraint(
            ['village_id'], ['area.id'], name=op.f('fk_spot_check_village_id_area')
        ),
        sa.ForeignKeyConstraint(
            ['household_id'], ['household.id'], ondelete='CASCADE',
            name=op.f('fk_spot_check_household_id_household'),
        ),
        sa.ForeignKeyConstraint(
            ['drawn_by'], ['user_account.id'], name=op.f('fk_spot_check_drawn_by_user_account')
        ),
        sa.ForeignKeyConstraint(
            ['checked_by'], ['user_account.id'],
            name=op.f('fk_spot_check_checked_by_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
        sa.UniqueConstraint('campaign_id', 'level', 'household_id', name='uq_spot_check_household'),
    )
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.create_index('ix_spot_check_village', ['campaign_id', 'village_id', 'level'])
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(
            'ix_household_campaign_village', ['campaign_id', 'village_id', 'deleted']
        )


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_campaign_village')
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.drop_index('ix_spot_check_village')
    op.drop_table('spot_check')
