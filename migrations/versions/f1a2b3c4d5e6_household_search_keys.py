"""A household's members' names in pinyin (full and initials), for the phone's search.

Filled by the household writer's derived columns on every write; existing households are filled
here, from their documents.
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'e5a7c9b1d3f0'


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_keys', sa.String(length=400), nullable=True))
    _fill()


def _fill():
    """Every existing household's keys, read from its stored document, in batches."""
    from server.core import jsontext
    from server.households.derived import search_keys

    bind = op.get_bind()
    table = sa.table('household', sa.column('id'), sa.column('document'), sa.column('search_keys'))
    last = ''
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.document).where(table.c.id > last)
            .order_by(table.c.id).limit(500)
        ).all()
        if not rows:
            return
        for hid, stored in rows:
            # PostgreSQL's driver gives a json column back parsed; SQLite gives its text.
            if isinstance(stored, (str, bytes)):
                document = jsontext.loads_stored(stored)
            else:
                document = stored or {}
            keys = search_keys((document or {}).get('members') or [])
            bind.execute(table.update().where(table.c.id == hid).values(search_keys=keys))
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('search_keys')
