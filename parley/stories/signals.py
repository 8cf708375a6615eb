"""What the stories app announces; the apps above it (following) listen, it never calls them."""
from django.dispatch import Signal

# An article joined a story of other articles (sent inside the transaction that placed it): article, story.
article_joined = Signal()
# A moderator merged a story into another (inside the merge's transaction): source, into.
story_merged = Signal()
