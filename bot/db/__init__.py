"""Storage: SQLAlchemy 2 models, the engine and unit of work, repositories, and Alembic migrations."""
