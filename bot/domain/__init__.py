"""Pure domain logic: no `telegram`, no database. Unit-tested alone."""
