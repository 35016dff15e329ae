"""Telegram file ids of the content's media (step pictures), by content key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import MediaFile
from bot.db.session import AsyncSession


class MediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def file_id(self, key: str) -> str | None:
        row = (await self.session.execute(select(MediaFile).where(MediaFile.key == key))).scalar_one_or_none()
        return row.file_id if row is not None else None

    async def remember(self, key: str, file_id: str, now: datetime) -> None:
        row = await self.session.get(MediaFile, key, with_for_update=True)
        if row is None:
            self.session.add(MediaFile(key=key, file_id=file_id, updated_at=now))
        else:
            row.file_id = file_id
            row.updated_at = now
