"""pending questions: what the bot last asked a user, so a typed message is read as the answer (kind, a pointer,
when it was asked, when it expires). users.awaiting_input stays: its values are still read as open questions

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 01:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pending_questions',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ref', sa.Integer(), nullable=True),
    sa.Column('asked_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_questions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_pending_questions'))
    )


def downgrade() -> None:
    op.drop_table('pending_questions')
