"""Services: the use cases. They take a unit of work and the clock, and return what to show as plain data."""
