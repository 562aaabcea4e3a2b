"""goals and strengths carry the phone's uuid, so a copy the phone kept over a lock and sent again lands once

Revision ID: b3d9e0f4a7c2
Revises: 76d5bbc41548
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d9e0f4a7c2'
down_revision = '76d5bbc41548'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('goal', 'strength'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_client_id_client_uuid'),
                                              ['client_id', 'client_uuid'])


def downgrade():
    for table in ('strength', 'goal'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_client_id_client_uuid'), type_='unique')
            batch_op.drop_column('client_uuid')
