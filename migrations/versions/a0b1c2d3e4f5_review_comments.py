"""A returned household's comments on single fields, beside its review note."""
import sqlalchemy as sa
from alembic import op

revision = 'a0b1c2d3e4f5'
down_revision = 'f1a2b3c4d5e6'


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_comments', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('review_comments')
