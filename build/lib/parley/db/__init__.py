"""Database backends of Parley's own."""
