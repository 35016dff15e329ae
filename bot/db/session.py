"""The session class used everywhere (one name to import, so repositories need not know the driver)."""

from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["AsyncSession"]
