"""Content: the routines and every text the bot says, loaded from `content/` and validated at start."""
