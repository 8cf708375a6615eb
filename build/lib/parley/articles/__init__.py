"""Articles, outlets and disclaimers: what Parley shows."""
