"""What the review desk filters and counts by: the village group, whether a visit is signed, the
document's errors (as its state checks it) and plausibility warnings; an index its lists and counts
read alone, one for the households a surveyor has written, and one to find a member by name.

Filled by the household writer on every write; existing households are filled here, from their
documents.
"""
import sqlalchemy as sa
from alembic import op

revision = '3d9a6c2e7b41'
down_revision = 'b1c2d3e4f5a6'

REVIEW_INDEX = [
    'campaign_id', 'village_id', 'review_state', 'visited', 'deleted', 'conflict_open',
    'parallel_note', 'error_count', 'warning_count', 'guarantees_met', 'exit_eligible',
    'monitoring_type', 'per_capita_net_income', 'group_name', 'household_no', 'head_name',
    'search_keys', 'updated_at', 'id',
]


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_name', sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column('visited', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('error_count', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('warning_count', sa.Integer(), nullable=False, server_default='0')
        )
    _fill()
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index('ix_household_review', REVIEW_INDEX, unique=False)
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index('ix_revision_author', ['author_id', 'household_id'], unique=False)
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ix_member_name', ['name'], unique=False)


def _fill():
    """Every existing household's columns, read from its stored document, in batches."""
    from server.core import jsontext
    from server.households.checks import quality
    from server.households.derived import derived_columns

    bind = op.get_bind()
    table = sa.table(
        'household',
        sa.column('id'),
        sa.column('document'),
        sa.column('review_state'),
        sa.column('group_name'),
        sa.column('visited'),
        sa.column('error_count'),
        sa.column('warning_count'),
    )
    update = (
        table.update()
        .where(table.c.id == sa.bindparam('hid'))
        .values(
            group_name=sa.bindparam('group_name'),
            visited=sa.bindparam('visited'),
            error_count=sa.bindparam('error_count'),
            warning_count=sa.bindparam('warning_count'),
        )
    )
    last = ''
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.document, table.c.review_state)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(1000)
        ).all()
        if not rows:
            return
        values = []
        for hid, stored, state in rows:
            document = jsontext.loads_stored(stored) if isinstance(stored, str | bytes) else stored
            document = document if isinstance(document, dict) else {}
            derived = derived_columns(document, [])
            values.append(
                {
                    'hid': hid,
                    'group_name': derived['group_name'],
                    'visited': derived['visited'],
                    **quality(document, state),
                }
            )
        bind.execute(update, values)
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_name')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_author')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_review')
        batch_op.drop_column('warning_count')
        batch_op.drop_column('error_count')
        batch_op.drop_column('visited')
        batch_op.drop_column('group_name')
