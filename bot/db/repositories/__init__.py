"""Repositories: typed queries over one session. They never commit; the unit of work does."""
