"""Parley: self-hosted financial news with community discussion."""
