"""An operation id is unique per author and household, not across the database.

A retry of an operation is the same person's, on the same household: looked up by all three, an
id someone else sent (or one reused on another household) is another operation, and its answer
is never replayed to them. Downgrading fails if two such operations now share an id.
"""
from alembic import op

revision = 'e5a7c9b1d3f0'
down_revision = 'e5a7c9d1f3b8'


def upgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_constraint('uq_revision_op_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_revision_operation', ['op_id', 'household_id', 'author_id']
        )


def downgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_constraint('uq_revision_operation', type_='unique')
        batch_op.create_unique_constraint('uq_revision_op_id', ['op_id'])
