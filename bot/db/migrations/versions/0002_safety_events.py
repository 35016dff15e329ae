"""safety events: pain and warning signs a user reported (kind, context, date; never their words)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('safety_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('context', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['routine_sessions.id'], name=op.f('fk_safety_events_session_id_routine_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_safety_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_events'))
    )
    op.create_index('ix_safety_events_user_id_local_date', 'safety_events', ['user_id', 'local_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_safety_events_user_id_local_date', table_name='safety_events')
    op.drop_table('safety_events')
