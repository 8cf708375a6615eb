"""What discussion announces, for the apps above it to act on (following queues notifications).

Each is sent inside the transaction that made the change, so a receiver's writes commit or roll
back with it; discussion itself never imports its listeners.
"""
from django.dispatch import Signal

# comment, mentioned: a new visible comment, and the ids of the readers it mentions (resolved once,
# when it was written: delivery does not look the names up again)
comment_posted = Signal()
comment_edited = Signal()  # comment, mentioned: its text changed; the readers this version mentions
comment_withdrawn = Signal()  # comment: hidden or deleted, so what it told is taken back
author_suspended = Signal()  # user: a suspended reader's unread replies and mentions reach no one
