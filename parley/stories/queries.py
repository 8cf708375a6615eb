"""Reading stories for pages and the API."""


def story_of(article) -> int | None:
    """The id of the story an article shares with other articles, or None while it stands alone (or is
    not placed yet). Load articles with prefetch_related("membership__story") (or select_related) to ask no query each."""
    membership = getattr(article, "membership", None)  # None: no row (the reverse accessor raises)
    if membership is None or membership.story.article_count < 2:
        return None
    return membership.story_id
