"""strengths: mend rows whose key is not the catalogue's (a whitespace-only key could be stored)

Such a row made the client's strengths page, and the trust person's view of it, answer 500, and the strength
could not be removed. A row that has the client's own words keeps them and loses the key; a row with
neither a catalogue key nor own words says nothing and goes.

Revision ID: e7b1f4c2a9d3
Revises: c25e81511d34
Create Date: 2026-12-01 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b1f4c2a9d3'
down_revision = 'c25e81511d34'
branch_labels = None
depends_on = None

# webapp.domain.catalogue.STRENGTHS as it is at this revision: a migration must not follow later code.
CATALOGUE = (
    "cooking", "caring", "hands", "languages", "never_give_up", "friendly", "children", "listening",
    "cleaning", "gardening", "computers", "making_people_laugh", "organising", "creative", "on_time",
    "driving",
)

strength = sa.table("strength", sa.column("id", sa.Integer), sa.column("key", sa.String),
                    sa.column("own_words", sa.String))


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.select(strength.c.id, strength.c.key, strength.c.own_words).where(sa.or_(
        strength.c.key.not_in(CATALOGUE),
        sa.and_(strength.c.key.is_(None), sa.or_(strength.c.own_words.is_(None),
                                                 sa.func.trim(strength.c.own_words) == ""))))).all()
    for row_id, _key, own_words in rows:
        words = (own_words or "").strip()  # Python's strip: also the Unicode spaces SQL's trim leaves
        if words:
            conn.execute(strength.update().where(strength.c.id == row_id).values(key=None, own_words=words))
        else:
            conn.execute(strength.delete().where(strength.c.id == row_id))


def downgrade():
    pass  # the mended rows were broken; there is nothing to put back
