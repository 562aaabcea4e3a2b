"""passkeys: a fingerprint or face unlocks one enrolled phone

A passkey row belongs to one device session (ended with it); challenges are single-use rows, not cookies.

Revision ID: 783c5bbdef0e
Revises: e7b1f4c2a9d3
Create Date: 2026-12-02 00:48:45.647500

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '783c5bbdef0e'
down_revision = 'e7b1f4c2a9d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('passkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.LargeBinary(length=1023), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.Integer(), nullable=False),
    sa.Column('device_session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['device_session_id'], ['device_session.id'], name=op.f('fk_passkey_device_session_id_device_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_passkey_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkey')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passkey_credential_id'))
    )
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_device_session_id'), ['device_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passkey_user_id'), ['user_id'], unique=False)

    op.create_table('passkey_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_session_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('challenge', sa.LargeBinary(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_session_id'], ['device_session.id'], name=op.f('fk_passkey_challenge_device_session_id_device_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkey_challenge'))
    )
    with op.batch_alter_table('passkey_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_challenge_device_session_id'), ['device_session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('passkey_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkey_challenge_device_session_id'))

    op.drop_table('passkey_challenge')
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkey_user_id'))
        batch_op.drop_index(batch_op.f('ix_passkey_device_session_id'))

    op.drop_table('passkey')
