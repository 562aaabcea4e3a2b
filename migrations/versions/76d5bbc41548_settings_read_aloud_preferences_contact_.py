"""settings: read-aloud preferences, contact changes confirmed by a code

Revision ID: 76d5bbc41548
Revises: 783c5bbdef0e
Create Date: 2026-12-02 00:48:37.731792

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76d5bbc41548'
down_revision = '783c5bbdef0e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('code_hash', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_contact_change_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_change')),
    sa.UniqueConstraint('user_id', 'channel', name=op.f('uq_contact_change_user_id_channel'))
    )
    # Plain ALTER TABLE ... ADD COLUMN, not a batch copy: on SQLite a copy drops and recreates "user", which
    # every other table refers to, and fails while foreign keys are on and rows refer to it.
    op.add_column('user', sa.Column('read_aloud', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('user', sa.Column('speech_rate', sa.String(length=8), server_default='normal', nullable=False))


def downgrade():
    op.drop_table('contact_change')
    # Plain ALTER TABLE ... DROP COLUMN, for the same reason (SQLite 3.35 and later have it).
    op.drop_column('user', 'speech_rate')
    op.drop_column('user', 'read_aloud')
