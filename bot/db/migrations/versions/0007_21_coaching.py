"""the coach's side: coaches, invites (token hashes), consent links, prescriptions, access events, coach media;
the session's prescription

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coaches',
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('added_by', sa.BigInteger(), nullable=True),
    sa.Column('digest', sa.String(length=8), server_default='off', nullable=False),
    sa.Column('digest_time', sa.Time(), nullable=True),
    sa.Column('digest_due_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_coaches'))
    )
    with op.batch_alter_table('coaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaches_digest_due_at'), ['digest_due_at'], unique=False)

    op.create_table('coach_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.BigInteger(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('opened_by', sa.BigInteger(), nullable=True),
    sa.Column('opened_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('used_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_coach_invites_token_hash'))
    )
    with op.batch_alter_table('coach_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_invites_coach_id'), ['coach_id'], unique=False)

    op.create_table('coach_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.BigInteger(), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('client_name', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('share_history', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('linked_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('linked_date', sa.Date(), nullable=False),
    sa.Column('ended_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('ended_by', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_coach_links_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_links'))
    )
    with op.batch_alter_table('coach_links', schema=None) as batch_op:
        batch_op.create_index('ix_coach_links_client_id', ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coach_links_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index('uq_coach_links_one_active', ['coach_id', 'client_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('coach_prescriptions',
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('coach_id', sa.BigInteger(), nullable=False),
    sa.Column('routine_id', sa.String(length=48), nullable=False),
    sa.Column('hold_seconds', sa.SmallInteger(), nullable=True),
    sa.Column('reps', sa.SmallInteger(), nullable=True),
    sa.Column('reminders', sa.SmallInteger(), nullable=True),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_coach_prescriptions_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_coach_prescriptions'))
    )

    op.create_table('coach_access_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.BigInteger(), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('what', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_coach_access_events_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_access_events'))
    )
    with op.batch_alter_table('coach_access_events', schema=None) as batch_op:
        batch_op.create_index('ix_coach_access_events_client_id_created_at', ['client_id', 'created_at'], unique=False)

    op.create_table('coach_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('file_id', sa.String(length=255), nullable=False),
    sa.Column('routine_id', sa.String(length=48), nullable=True),
    sa.Column('step_id', sa.String(length=48), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_media'))
    )
    with op.batch_alter_table('coach_media', schema=None) as batch_op:
        batch_op.create_index('ix_coach_media_coach_id_routine_id', ['coach_id', 'routine_id'], unique=False)

    with op.batch_alter_table('routine_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prescription', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('routine_sessions', schema=None) as batch_op:
        batch_op.drop_column('prescription')
    op.drop_table('coach_media')
    op.drop_table('coach_access_events')
    op.drop_table('coach_prescriptions')
    op.drop_table('coach_links')
    op.drop_table('coach_invites')
    op.drop_table('coaches')
