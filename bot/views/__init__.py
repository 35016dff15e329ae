"""Views: render service results into `OutgoingMessage`s using the texts in `content/`. No `telegram` import."""
