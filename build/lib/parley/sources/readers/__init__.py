"""Readers turn the bytes of one saved file into article drafts; they never touch the database."""


class Unreadable(ValueError):
    """A file or record a reader cannot turn into an article, with the reason in plain words."""
