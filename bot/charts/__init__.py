"""Charts drawn for the user (pure: data in, image bytes out)."""
