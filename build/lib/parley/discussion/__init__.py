"""Discussions: threaded comments, votes, flags, moderation, and the Most Discussed ranking."""
