"""Sign-ins: one row per device login, carried by every token, so revocation is immediate and
refresh tokens can rotate; login attempts kept per address as well as per username.

Each refresh token issued before this becomes a sign-in whose id is its jti, so phones in the
field keep working: their next refresh gets tokens of the new kind. Successful attempts are no
longer stored (a right password deletes its address's failures).
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5a7c9d1f3b8'
down_revision = 'd7e8f9a0b1c2'


def _create_device_login_table(name, key, *own_columns):
    """sign_in and the refresh_token it replaces share their shape: one row per device login,
    keyed by `key`, with `own_columns` after the device's; indexed by user."""
    op.create_table(
        name,
        sa.Column(key, sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.String(length=64), nullable=True),
        sa.Column('device_label', sa.String(length=120), nullable=True),
        *own_columns,
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['user_account.id'],
            name=op.f(f'fk_{name}_user_id_user_account'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(key, name=op.f(f'pk_{name}')),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_user_id'), ['user_id'], unique=False)


def _drop_device_login_table(name):
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{name}_user_id'))
    op.drop_table(name)


def upgrade():
    _create_device_login_table(
        'sign_in',
        'id',
        sa.Column('refresh_jti', sa.String(length=64), nullable=False),
        sa.Column('previous_jti', sa.String(length=64), nullable=True),
        sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        "INSERT INTO sign_in (id, user_id, device_id, device_label, refresh_jti, created_at,"
        " expires_at, last_used_at, revoked_at)"
        " SELECT jti, user_id, device_id, device_label, jti, created_at, expires_at,"
        " last_used_at, revoked_at FROM refresh_token"
    )
    _drop_device_login_table('refresh_token')

    op.execute(sa.text("DELETE FROM login_attempt WHERE success = :yes").bindparams(yes=True))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_column('success')
        batch_op.create_index(batch_op.f('ix_login_attempt_remote_addr'), ['remote_addr'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_remote_addr'))
        batch_op.add_column(sa.Column('success', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.alter_column('success', server_default=None)

    _create_device_login_table('refresh_token', 'jti')
    # The newest refresh token of each sign-in is the one its phone holds.
    op.execute(
        "INSERT INTO refresh_token (jti, user_id, device_id, device_label, created_at,"
        " expires_at, last_used_at, revoked_at)"
        " SELECT refresh_jti, user_id, device_id, device_label, created_at, expires_at,"
        " last_used_at, revoked_at FROM sign_in"
    )
    _drop_device_login_table('sign_in')
