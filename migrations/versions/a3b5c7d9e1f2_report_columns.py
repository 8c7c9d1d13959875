"""Columns the county's other tables add up: a household's register change (新识别 / 返贫), its four
income groups, its unmet guarantees (a bit each), its visit date; a member's education, school
status and health (a bit per option).

Filled by the household writer's derived columns on every write; existing households and members
are filled here, from their documents.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a3b5c7d9e1f2'
down_revision = 'a7c3e9f1b2d4'

MONEY = sa.Numeric(precision=14, scale=2)
HOUSEHOLD = (
    ('register_change', sa.String(length=10)),
    ('wage_income', MONEY),
    ('business_income', MONEY),
    ('property_income', MONEY),
    ('transfer_income', MONEY),
    ('unmet_guarantees', sa.Integer()),
    ('visit_date', sa.String(length=10)),
)
MEMBER = (
    ('education', sa.String(length=20)),
    ('school_status', sa.String(length=20)),
    ('health', sa.Integer()),
)


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        for name, kind in HOUSEHOLD:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table('member', schema=None) as batch_op:
        for name, kind in MEMBER:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    _fill()


def _fill():
    """Every existing household's and member's new columns, read from its stored document."""
    from server.households.derived import derived_columns, member_rows

    bind = op.get_bind()
    names = [name for name, _ in HOUSEHOLD]
    household = sa.table(
        'household', sa.column('id'), sa.column('document'), *(sa.column(n) for n in names)
    )
    member = sa.table(
        'member', sa.column('household_id'), sa.column('id'), *(sa.column(n) for n, _ in MEMBER)
    )
    set_household = household.update().where(household.c.id == sa.bindparam('hid'))
    set_member = member.update().where(
        member.c.household_id == sa.bindparam('hid'), member.c.id == sa.bindparam('mid')
    )
    last = ''
    while True:
        rows = bind.execute(
            sa.select(household.c.id, household.c.document).where(household.c.id > last)
            .order_by(household.c.id).limit(500)
        ).all()
        if not rows:
            return
        households, members = [], []
        for hid, stored in rows:
            document = _parsed(stored) or {}
            derived = derived_columns(document, [])  # none of these columns reads a line
            households.append({'hid': hid, **{n: derived[n] for n in names}})
            for m in member_rows(document.get('members') or []):
                members.append(
                    {'hid': hid, 'mid': m['id'], **{n: m[n] for n, _ in MEMBER}}
                )
        bind.execute(set_household.values({n: sa.bindparam(n) for n in names}), households)
        if members:
            bind.execute(
                set_member.values({n: sa.bindparam(n) for n, _ in MEMBER}), members
            )
        last = rows[-1][0]


def _parsed(stored):
    """A stored document: text on SQLite; on PostgreSQL the driver has parsed the JSON already."""
    from server.core import jsontext

    if stored is None or isinstance(stored, dict | list):
        return stored
    return jsontext.loads_stored(stored)


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL), not a batch copy: on SQLite a batch
    # drops and recreates the household table, and with foreign keys on, dropping it deletes
    # every member row (ON DELETE CASCADE).
    for name, _ in reversed(MEMBER):
        op.execute(f'ALTER TABLE member DROP COLUMN {name}')
    for name, _ in reversed(HOUSEHOLD):
        op.execute(f'ALTER TABLE household DROP COLUMN {name}')
