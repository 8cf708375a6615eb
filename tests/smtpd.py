"""SMTP servers on 127.0.0.1 for tests: one that speaks enough SMTP to take mail (and can refuse
chosen recipients), and ones that misbehave (hang after accepting, trickle a byte a second, refuse
the connection). Each serves in daemon threads and stops by itself."""
import socket
import threading
from email import message_from_bytes

BOUND = 20  # seconds a misbehaving server keeps a connection at most


class _Server:
    def __init__(self):
        self.stop = threading.Event()
        self.connections = 0  # accepted so far: a test can tell that nobody talked to the server
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        raise NotImplementedError

    def close(self):
        self.stop.set()
        self.server.close()


class GoodSmtp(_Server):
    """Takes every mail except to the addresses in `refuse` (550 at RCPT); keeps what it took in `received`."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.received = []  # email.message.Message objects
        super().__init__()

    def _talk(self, conn):
        conn.settimeout(BOUND)
        lines = conn.makefile("rb")

        def say(text):
            conn.sendall(text.encode() + b"\r\n")

        say("220 test ready")
        try:
            rcpts = []
            for raw in lines:
                verb = raw.decode("latin-1").strip().split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 test")
                elif verb == "MAIL":
                    rcpts = []
                    say("250 ok")
                elif verb == "RCPT":
                    address = raw.decode("latin-1").split(":", 1)[1].strip().strip("<>").lower()
                    if address in self.refuse:
                        say("550 no such mailbox")
                    else:
                        rcpts.append(address)
                        say("250 ok")
                elif verb == "DATA":
                    say("354 go on")
                    body = []
                    for line in lines:
                        if line in (b".\r\n", b".\n"):
                            break
                        body.append(line[1:] if line.startswith(b"..") else line)
                    self.received.append(message_from_bytes(b"".join(body)))
                    say("250 queued")
                elif verb == "RSET" or verb == "NOOP":
                    say("250 ok")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not here")
        except OSError:
            return
        finally:
            conn.close()


class BadSmtp(_Server):
    """Accepts connections and then never answers ("hang"), or sends its greeting one byte a second
    ("trickle"); either way it lets go after BOUND + 5 seconds, so a sender without a deadline fails
    a test (too late) instead of hanging it."""

    def __init__(self, how: str):
        self.how = how
        super().__init__()

    def _talk(self, conn):
        with conn:
            for byte in b"220 " + b"x" * (BOUND + 5) if self.how == "trickle" else []:
                if self.stop.wait(1):
                    return
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    return
            if self.how == "hang":
                self.stop.wait(BOUND + 5)


def refusing_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
