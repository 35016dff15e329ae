"""Daily reminders: the database is the schedule; one dispatcher tick turns due slots into sent reminders."""
