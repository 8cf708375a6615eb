"""Understanding articles: facts (tickers, money figures, topics, …) each traced to its span of text."""
