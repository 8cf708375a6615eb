"""Where articles come from: readers for saved files, and (later) feeds and web pages."""
