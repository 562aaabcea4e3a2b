"""PIN waits per device and per client instead of a lock for good; a phone number for organisations

Wrong PINs are counted per device and per client (all their devices together); past the limit the device
waits a growing time (webapp.domain.lockout) and the trust person can end the wait. A device locked for good
by the old rule becomes a device that may try again: its count stays, so its next wrong PIN starts a wait.

Revision ID: b0f172a51ff0
Revises: b3d9e0f4a7c2
Create Date: 2026-12-02 00:46:27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0f172a51ff0'
down_revision = 'b3d9e0f4a7c2'
branch_labels = None
depends_on = None

device_session = sa.table("device_session", sa.column("locked_at", sa.DateTime))


def upgrade():
    with op.batch_alter_table('device_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wait_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('wait_ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_device_session_wait_ended_by_id_user'), 'user',
                                    ['wait_ended_by_id'], ['id'])

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_pins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pin_wait_until', sa.DateTime(), nullable=True))

    op.execute(device_session.update().where(device_session.c.locked_at.is_not(None)).values(locked_at=None))


def downgrade():
    # A plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): rebuilding "user" or "organisation" the batch way would
    # drop a table that other rows point to.
    op.drop_column('user', 'pin_wait_until')
    op.drop_column('user', 'failed_pins')
    op.drop_column('organisation', 'phone')

    with op.batch_alter_table('device_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_device_session_wait_ended_by_id_user'), type_='foreignkey')
        batch_op.drop_column('wait_ended_by_id')
        batch_op.drop_column('wait_until')
