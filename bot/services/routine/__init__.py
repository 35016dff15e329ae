"""The guided routine over the database: starting a session (`starting`), feeding taps, typed answers and timers to
the walkthrough machine (`walking`), and what each call returns for the runtime to act on (`outcome`)."""
