"""The worker's mail sender: a thread of its own, so a mail server that hangs until its deadline
never holds up checking sources, enriching or delivering notifications."""
import logging
import threading

from django.db import DatabaseError, close_old_connections, connections

from parley.outgoing.delivery import deliver

log = logging.getLogger("parley.outgoing")
POLL = 2.0  # seconds between looks for due mail: a confirmation link should arrive while the reader waits


class MailSender(threading.Thread):
    def __init__(self):
        super().__init__(name="mail-sender", daemon=True)
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    while deliver() and not self.stopping.is_set():
                        pass
                except DatabaseError:
                    log.exception("mail sender: database error; trying again shortly")
                except Exception:  # a bug in one mail must not end sending for the process's life
                    log.exception("mail sender: unexpected failure; trying again shortly")
                self.stopping.wait(POLL)
        finally:
            connections.close_all()

    def stop(self, wait: float = 30.0) -> None:
        """Ask the thread to stop after the mail in hand (bounded by the transport's deadline)."""
        self.stopping.set()
        self.join(wait)
