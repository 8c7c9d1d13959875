"""Village submissions (the township's totals and the county's acceptance), a campaign's counted
review states, source campaign, carry-forward time and task progress, and the link from a
carried household to the family's household of the campaign before."""
import sqlalchemy as sa
from alembic import op

revision = 'c3d4e5f6a7b8'
down_revision = 'b7c8d9e0f1a2'


def upgrade():
    op.create_table('village_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_village_submission_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_village_submission_decided_by_user_account')),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'], name=op.f('fk_village_submission_submitted_by_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['area.id'], name=op.f('fk_village_submission_township_id_area')),
    sa.ForeignKeyConstraint(['village_id'], ['area.id'], name=op.f('fk_village_submission_village_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_submission')),
    sa.UniqueConstraint('campaign_id', 'village_id', name='uq_village_submission')
    )
    with op.batch_alter_table('village_submission', schema=None) as batch_op:
        batch_op.create_index('ix_village_submission_township', ['campaign_id', 'township_id'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_states', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('source_campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carried_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('progress', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_campaign_source_campaign_id_campaign'), 'campaign', ['source_campaign_id'], ['id'])

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_household_carried', ['campaign_id', 'carried_from'])
        batch_op.create_index('ix_household_carried_from', ['carried_from'], unique=False)


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_carried_from')
        batch_op.drop_constraint('uq_household_carried', type_='unique')
        batch_op.drop_column('carried_from')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaign_source_campaign_id_campaign'), type_='foreignkey')
        batch_op.drop_column('progress')
        batch_op.drop_column('carried_at')
        batch_op.drop_column('source_campaign_id')
        batch_op.drop_column('report_states')

    with op.batch_alter_table('village_submission', schema=None) as batch_op:
        batch_op.drop_index('ix_village_submission_township')

    op.drop_table('village_submission')
