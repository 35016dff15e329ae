"""hands-free routines: the user's routine mode and sound cues, the session's last cue message, step media file ids

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 01:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routine_mode', sa.String(length=16), server_default='hands_free', nullable=False))
        batch_op.add_column(sa.Column('sound_cues', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('routine_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cue_message_id', sa.BigInteger(), nullable=True))
    op.create_table('media_files',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('file_id', sa.String(length=255), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_media_files'))
    )


def downgrade() -> None:
    op.drop_table('media_files')
    with op.batch_alter_table('routine_sessions', schema=None) as batch_op:
        batch_op.drop_column('cue_message_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sound_cues')
        batch_op.drop_column('routine_mode')
