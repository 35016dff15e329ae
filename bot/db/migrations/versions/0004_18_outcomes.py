"""outcomes (issue 18): morning stiffness minutes, weekly PEG check-ins, their schedule, the users' switches, and
the pauses users take (charts show paused days)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ask_stiffness', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('weekly_checkin', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table('outcome_prompts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('next_due_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_local_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outcome_prompts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_prompts')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_outcome_prompts_user_id_kind'))
    )
    op.create_index(op.f('ix_outcome_prompts_next_due_at'), 'outcome_prompts', ['next_due_at'], unique=False)
    op.create_table('morning_stiffness',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.SmallInteger(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_morning_stiffness_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_morning_stiffness')),
    sa.UniqueConstraint('user_id', 'local_date', name=op.f('uq_morning_stiffness_user_id_local_date'))
    )
    op.create_table('weekly_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('pain', sa.SmallInteger(), nullable=True),
    sa.Column('enjoyment', sa.SmallInteger(), nullable=True),
    sa.Column('activity', sa.SmallInteger(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('completed_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_weekly_checkins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_checkins')),
    sa.UniqueConstraint('user_id', 'local_date', name=op.f('uq_weekly_checkins_user_id_local_date'))
    )
    op.create_table('pause_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pause_periods_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pause_periods'))
    )
    op.create_index('ix_pause_periods_user_id', 'pause_periods', ['user_id'], unique=False)
    _schedule_existing_users()


def _schedule_existing_users() -> None:
    """Users who set up before this revision: the stiffness question follows their morning reminder's next time,
    the weekly check-in comes a week after it (the bot recomputes both after each question, and on any change)."""
    slots = sa.table(
        'reminder_slots', sa.column('user_id', sa.BigInteger()), sa.column('slot', sa.SmallInteger()),
        sa.column('enabled', sa.Boolean()), sa.column('next_due_at', bot.db.types.UTCDateTime()),
    )
    users = sa.table('users', sa.column('id', sa.BigInteger()), sa.column('onboarding_step', sa.String()))
    prompts = sa.table(
        'outcome_prompts', sa.column('user_id', sa.BigInteger()), sa.column('kind', sa.String()),
        sa.column('next_due_at', bot.db.types.UTCDateTime()),
    )
    query = (
        sa.select(slots.c.user_id, slots.c.next_due_at, slots.c.enabled)
        .select_from(slots.join(users, users.c.id == slots.c.user_id))
        .where(slots.c.slot == 1, users.c.onboarding_step.is_(None))
    )
    rows = []
    for user_id, next_due_at, enabled in op.get_bind().execute(query):
        due = next_due_at if enabled else None
        rows.append({'user_id': user_id, 'kind': 'stiffness', 'next_due_at': due})
        rows.append({'user_id': user_id, 'kind': 'weekly', 'next_due_at': due + timedelta(days=7) if due else None})
    for start in range(0, len(rows), 5000):
        op.bulk_insert(prompts, rows[start : start + 5000])


def downgrade() -> None:
    op.drop_index('ix_pause_periods_user_id', table_name='pause_periods')
    op.drop_table('pause_periods')
    op.drop_table('weekly_checkins')
    op.drop_table('morning_stiffness')
    op.drop_index(op.f('ix_outcome_prompts_next_due_at'), table_name='outcome_prompts')
    op.drop_table('outcome_prompts')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('weekly_checkin')
        batch_op.drop_column('ask_stiffness')
