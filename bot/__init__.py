"""stretchbot: a Telegram bot for one short daily hip stretch, with before/after stiffness ratings."""

__version__ = "0.1.0"
