"""Every printed table kept with its parameters, its cache key and its job's progress.

A county fetches the very file it signed, and an identical request (same parameters, same code,
same data) is served from it. An index covers the data version of a table's scope, so the
check costs a few index pages, not a read of the households.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c3e9f1b2d4'
down_revision = 'c3d4e5f6a7b8'


def upgrade():
    op.create_table(
        'report_document',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('report', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('states', sa.JSON(), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('params_hash', sa.String(length=64), nullable=False),
        sa.Column('code_version', sa.String(length=32), nullable=False),
        sa.Column('data_version', sa.String(length=80), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('ahead', sa.Boolean(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('touched_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('progress_note', sa.String(length=80), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ['area_id'], ['area.id'], name=op.f('fk_report_document_area_id_area')
        ),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaign.id'], name=op.f('fk_report_document_campaign_id_campaign')
        ),
        sa.ForeignKeyConstraint(
            ['requested_by'],
            ['user_account.id'],
            name=op.f('fk_report_document_requested_by_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_document')),
    )
    with op.batch_alter_table('report_document', schema=None) as batch_op:
        batch_op.create_index('ix_report_document_area', ['area_id', 'requested_at'], unique=False)
        batch_op.create_index(
            'ix_report_document_key', ['params_hash', 'code_version', 'data_version'], unique=False
        )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(
            'ix_household_report_version',
            ['campaign_id', 'village_id', 'review_state', 'deleted', 'change_seq'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_report_version')
    with op.batch_alter_table('report_document', schema=None) as batch_op:
        batch_op.drop_index('ix_report_document_key')
        batch_op.drop_index('ix_report_document_area')
    op.drop_table('report_document')
