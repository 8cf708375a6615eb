"""Issue 25's findings, reproduced against a Parley checkout: neighbours that fail (a mail server
that hangs or refuses, Redis going away, SQLite held by another process), input PostgreSQL cannot
store, limits that missed a path, account holes and the SSRF table.

    python bench/neighbours.py [--project DIR] [--database sqlite|postgresql] [--only SCENARIO ...]

`parley serve` runs from DIR (default: this checkout) with this machine's virtual environment, on
a fresh copy of a database migrated once per run, one scenario at a time. Each probe prints what
was done, what should happen, what happened (status, seconds) and whether it held. Run it against
a worktree of the commit before issue 25 (4a84871) and against HEAD to see each finding before and
after. Everything talks to 127.0.0.1 only; every wait is bounded.
"""
import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))
from tests.browser import Browser  # noqa: E402
from tests.serving import stop  # noqa: E402
from tests.smtpd import BadSmtp, GoodSmtp, refusing_port  # noqa: E402

PASSWORD = "a-long-enough-password-77"
PG_ADMIN = "postgres://parley:parley@127.0.0.1:5432/postgres"
ROWS: list[tuple] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record(scenario: str, probe: str, expected: str, outcome: str, held: bool) -> None:
    ROWS.append((scenario, probe, expected, outcome, "held" if held else "FAILED"))
    print(f"  {'held  ' if held else 'FAILED'} {probe}: {outcome}", flush=True)


def timed(call):
    """Run a Browser call; return (status, body, seconds, headers), a timeout as status 0."""
    started = time.monotonic()
    try:
        return call()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return 0, f"{type(error).__name__}: {error}", time.monotonic() - started, {}
    except AssertionError as error:  # no form to post: the page itself failed
        return -1, str(error), time.monotonic() - started, {}


class Project:
    """A Parley checkout run with this machine's Python, on databases copied from one migrated template."""

    def __init__(self, root: Path, database: str, work: Path):
        self.root, self.database, self.work = root, database, work
        self.copies = 0
        self.template = self._migrate()

    def env(self, url: str, data: Path, **extra) -> dict:
        env = {**os.environ, "PYTHONPATH": str(self.root), "DATABASE_URL": url, "PARLEY_DATA_DIR": str(data),
               "PARLEY_LOG_LEVEL": "WARNING", "PARLEY_PAGE_CACHE_SECONDS": "0", "CI": "", **extra}
        (data / "secret_key").write_text("neighbours-bench-key-" + "x" * 40)
        return env

    def parley(self, url: str, data: Path, *args, timeout: float = 300, **extra) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "parley.cli", *args], cwd=self.root, env=self.env(url, data, **extra),
                              capture_output=True, text=True, timeout=timeout)

    def _pg(self, sql: str) -> None:
        subprocess.run(["psql", PG_ADMIN, "-qc", sql], check=True, capture_output=True, timeout=60)

    def _migrate(self) -> str:
        data = self.work / "template"
        data.mkdir()
        if self.database == "sqlite":
            url = f"sqlite:///{data / 'parley.sqlite3'}"
        else:
            self._pg("DROP DATABASE IF EXISTS parley_neighbours_template")
            self._pg("CREATE DATABASE parley_neighbours_template")
            url = PG_ADMIN.rsplit("/", 1)[0] + "/parley_neighbours_template"
        done = self.parley(url, data, "migrate", "--no-input")
        if done.returncode:
            raise SystemExit(f"migrate failed in {self.root}:\n{done.stderr[-2000:]}")
        return url

    def fresh(self) -> tuple[str, Path]:
        """A new database copied from the template, and a data folder; return (DATABASE_URL, folder)."""
        self.copies += 1
        data = self.work / f"run{self.copies}"
        data.mkdir()
        if self.database == "sqlite":
            shutil.copy(self.template.removeprefix("sqlite:///"), data / "parley.sqlite3")
            return f"sqlite:///{data / 'parley.sqlite3'}", data
        name = f"parley_neighbours_{self.copies}"
        self._pg(f"DROP DATABASE IF EXISTS {name}")
        self._pg(f"CREATE DATABASE {name} TEMPLATE parley_neighbours_template")
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, data

    def shell(self, url: str, data: Path, code: str) -> str:
        done = self.parley(url, data, "shell", "--no-imports", "-c", code)
        if done.returncode:
            raise SystemExit(f"shell failed: {done.stderr[-2000:]}")
        return (done.stdout.strip().splitlines() or [""])[-1]

    @contextlib.contextmanager
    def serve(self, url: str, data: Path, worker: bool = False, access_log: bool = False, **extra):
        port = free_port()
        log = data / "serve.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}",
                                     "--workers", "2", "--threads", "2", *([] if access_log else ["--no-access-log"]),
                                     *([] if worker else ["--no-worker"])],
                                    cwd=self.root, env=self.env(url, data, **extra), stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while timed(lambda: Browser(base).get("/healthz", timeout=2))[0] != 200:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"serve did not start:\n{log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
            yield base
        finally:
            stop(proc)


SETUP = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from parley.articles.services import ArticleDraft, store_article
old = timezone.now() - timedelta(days=60)
for name in {names!r}:
    u = User.objects.create_user(name, name + '@example.com', {password!r}, date_joined=old)
    u.profile.verified_email = u.email
    u.profile.save()
print(store_article(ArticleDraft(title='Neighbours probe', outlet='Test Wire', paragraphs=['A body to discuss.'],
      published_at=timezone.now() - timedelta(hours=1))).article.get_absolute_url())
"""


def setup(project, url, data, names=("alice", "bob")) -> str:
    """Readers (established, confirmed) and one article; return the article's path."""
    return project.shell(url, data, SETUP.format(names=list(names), password=PASSWORD))


def signup(browser, name, email=None, timeout=60):
    return timed(lambda: browser.post("/accounts/signup/", {"username": name, "email": email or f"{name}@example.com",
                                                            "password1": PASSWORD, "password2": PASSWORD}, timeout=timeout))


def signin(browser, name, timeout=90):
    return timed(lambda: browser.post("/accounts/login/", {"username": name, "password": PASSWORD}, timeout=timeout))


def comment(browser, article, text, timeout=90):
    pk = article.strip("/").split("/")[1]
    return timed(lambda: browser.post(f"/a/{pk}/comments", {"text": text}, form=article, timeout=timeout))


def quick(status, seconds, bound, ok=(200,)):
    return status in ok and seconds < bound


# -- scenarios -------------------------------------------------------------------------------

def mail_hang(project):
    url, data = project.fresh()
    article = setup(project, url, data)
    server = BadSmtp("hang")
    try:
        with project.serve(url, data, PARLEY_EMAIL_URL=f"smtp://127.0.0.1:{server.port}",
                           PARLEY_TRUSTED_PROXIES="127.0.0.1") as base:
            status, _, took, _ = signup(Browser(base), "newbie")
            record("mail hangs", "sign-up", "answers within 2 s", f"{status} in {took:.1f} s", quick(status, took, 2))
            status, _, took, _ = timed(lambda: Browser(base).post("/accounts/password/reset/", {"email": "alice@example.com"},
                                                                   timeout=60))
            record("mail hangs", "password reset", "answers within 2 s", f"{status} in {took:.1f} s", quick(status, took, 2))
            # Four request threads in all (2 workers x 2 threads): six sign-ups would hold every one.
            # From six addresses: one address's sign-up limit (5 an hour) must not cut the wave short.
            hung = [threading.Thread(target=signup, args=(Browser(base, forwarded_for=f"198.51.100.{n + 1}"), f"wave{n}"))
                    for n in range(6)]
            for t in hung:
                t.start()
            time.sleep(3)
            status, _, took, _ = timed(lambda: Browser(base).get("/healthz", timeout=30))
            record("mail hangs", "/healthz during 6 sign-ups", "200 within 1 s", f"{status} in {took:.1f} s",
                   quick(status, took, 1))
            status, _, took, _ = timed(lambda: Browser(base).get(article, timeout=30))
            record("mail hangs", "article during 6 sign-ups", "200 within 2 s", f"{status} in {took:.1f} s",
                   quick(status, took, 2))
            for t in hung:
                t.join(60)
    finally:
        server.close()


def mail_refused(project):
    url, data = project.fresh()
    setup(project, url, data)
    with project.serve(url, data, PARLEY_EMAIL_URL=f"smtp://127.0.0.1:{refusing_port()}") as base:
        status, _, took, _ = signup(Browser(base), "newbie")
        accounts = project.shell(url, data, "from django.contrib.auth.models import User; "
                                            "print(User.objects.filter(username='newbie').count())")
        record("mail refused", "sign-up", "200, one account", f"{status}, {accounts} account(s)",
               status == 200 and accounts == "1")


def redis_down(project):
    if not shutil.which("redis-server"):
        record("redis down", "all", "redis-server installed", "not installed", False)
        return
    url, data = project.fresh()
    article = setup(project, url, data)
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                              "no", "--dir", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        redis_url = f"redis://127.0.0.1:{port}/0"
        with project.serve(url, data, PARLEY_CACHE_URL=redis_url, PARLEY_SHARED_CACHE_URL=redis_url,
                           PARLEY_PAGE_CACHE_SECONDS="30") as base:
            Browser(base).get("/")
            redis.terminate()
            redis.wait(10)
            status, _, took, _ = timed(lambda: Browser(base).get("/"))
            record("redis down", "home, anonymous", "200 within 2 s", f"{status} in {took:.1f} s", quick(status, took, 2))
            browser = Browser(base)
            status, _, took, _ = signin(browser, "alice")
            signed = "sessionid" in {c.name for c in browser.jar}
            record("redis down", "sign-in", "signed in", f"{status} in {took:.1f} s, signed in: {signed}", signed)
            status, _, took, _ = comment(browser, article, "Posted while Redis was away.")
            record("redis down", "comment post", "200", f"{status} in {took:.1f} s", status == 200)
            status, body, _, _ = timed(lambda: Browser(base).get("/readyz"))
            record("redis down", "/readyz", "says the cache is down", f"{status} {body[:80]}", '"down"' in body)
    finally:
        if redis.poll() is None:
            redis.terminate()


def sqlite_held(project):
    if project.database != "sqlite":
        return
    url, data = project.fresh()
    article = setup(project, url, data)
    path = url.removeprefix("sqlite:///")
    holds = {
        "another process's transaction (BEGIN IMMEDIATE)":
            f"import sqlite3, time; c = sqlite3.connect({path!r}, isolation_level=None); c.execute('BEGIN IMMEDIATE'); "
            "print('held', flush=True); time.sleep(60)",
        "Parley's lock file": f"import fcntl, os, time; fd = os.open({path + '.writelock'!r}, os.O_RDWR | os.O_CREAT); "
                              "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
    }
    with project.serve(url, data) as base:
        browser = Browser(base)
        signin(browser, "alice")
        for how, code in holds.items():
            holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
            holder.stdout.readline()
            try:
                status, _, took, _ = timed(lambda: Browser(base).get("/healthz", timeout=90))
                record("sqlite held 60 s", f"/healthz, {how}", "200 within 1 s", f"{status} in {took:.1f} s",
                       quick(status, took, 1))
                status, _, took, headers = comment(browser, article, f"Under {how}.")
                record("sqlite held 60 s", f"comment post, {how}", "503 + Retry-After within 10 s",
                       f"{status} in {took:.1f} s, Retry-After: {headers.get('Retry-After')}",
                       status == 503 and took < 10 and headers.get("Retry-After"))
                fresh = Browser(base)
                status, _, took, _ = signin(fresh, "bob")
                record("sqlite held 60 s", f"sign-in, {how}", "answers (200 or 503) within 10 s",
                       f"{status} in {took:.1f} s", status in (200, 503) and took < 10)
            finally:
                holder.terminate()
                holder.wait(10)


def unstorable(project):
    url, data = project.fresh()
    article = setup(project, url, data)
    with project.serve(url, data) as base:
        for path in ("/search?q=%00", "/api/v1/articles?ticker=%00", "/u/%00/", "/search?until=9999-12-31"):
            status, _, _, _ = timed(lambda path=path: Browser(base).get(path))
            record("unstorable input", f"GET {path}", "not a 5xx", str(status), 0 < status < 500)
        browser = Browser(base)
        signin(browser, "alice")
        status, _, _, _ = comment(browser, article, "nul\x00inside")
        record("unstorable input", "comment with NUL", "not a 5xx", str(status), 0 < status < 500)
        status, body, _, _ = timed(lambda: browser.post("/accounts/settings/", {
            "email": "a" * 300 + "@example.com", "time_zone": "", "digest": "off", "current_password": PASSWORD,
            "reply": "inbox", "mention": "inbox", "discussion": "off", "articles": "inbox"}))
        record("unstorable input", "settings e-mail of 312 characters", "not a 5xx", str(status), 0 < status < 500)


def limits(project):
    url, data = project.fresh()
    names = [f"reader{n}" for n in range(40)]
    article = setup(project, url, data, ["alice", *names])
    sink = GoodSmtp()
    try:
        with project.serve(url, data, worker=True, PARLEY_TRUSTED_PROXIES="127.0.0.1",
                           PARLEY_EMAIL_URL=f"smtp://127.0.0.1:{sink.port}") as base:
            created = sum(signup(Browser(base, forwarded_for=f"2001:db8:1:2::{n + 1}"), f"six{n}")[0] == 200
                          for n in range(8))
            record("limits", "8 sign-ups from one IPv6 /64", "at most 5 succeed", f"{created} succeeded", created <= 5)
            for n in range(10):
                signup(Browser(base, forwarded_for=f"198.51.100.{n + 1}"), f"flood{n}", email="victim@example.com")
            time.sleep(15)  # the worker's sender (or the request itself) delivers
            got = sum(1 for m in sink.received if m["To"] == "victim@example.com")
            record("limits", "10 sign-ups naming one address", "at most 3 mails reach it", f"{got} mails", got <= 3)
            browser = Browser(base)
            signin(browser, "alice")
            status, _, _, _ = comment(browser, article, "First words.")
            pk = project.shell(url, data, "from parley.discussion.models import Comment; "
                                          "print(Comment.objects.latest('pk').pk)")
            codes = []
            for edit in range(4):
                text = "Edited: " + " ".join(f"@{name}" for name in names[edit * 10:(edit + 1) * 10])
                codes.append(timed(lambda text=text: browser.post(f"/c/{pk}/edit", {"text": text}, form=article))[0])
                time.sleep(4)  # each edit's notifications delivered before the next edit
            time.sleep(8)  # notifications are delivered by the worker
            told = project.shell(url, data, "from parley.following.models import Notification; "
                                            "print(Notification.objects.filter(kind='mention').count())")
            record("limits", "one comment edited 4 times, 10 new names each", "at most 10 readers told",
                   f"{told} told; edits answered {codes}", int(told) <= 10)
    finally:
        sink.close()


def accounts(project):
    url, data = project.fresh()
    setup(project, url, data, ["alice", "bob"])
    sink = GoodSmtp()
    try:
        with project.serve(url, data, worker=True, access_log=True,
                           PARLEY_EMAIL_URL=f"smtp://127.0.0.1:{sink.port}") as base:
            browser = Browser(base)
            signin(browser, "alice")
            timed(lambda: browser.post("/accounts/settings/", {
                "email": "thief@example.com", "time_zone": "", "digest": "off", "reply": "inbox", "mention": "inbox",
                "discussion": "off", "articles": "inbox"}))
            saved = project.shell(url, data, "from django.contrib.auth.models import User; "
                                             "print(User.objects.get(username='alice').email)")
            record("accounts", "address change without the password", "refused", f"address now {saved}",
                   saved == "alice@example.com")
            project.shell(url, data, "from django.contrib.auth.models import User; "
                                     "User.objects.filter(username='alice').update(email='thief@example.com')")
            timed(lambda: Browser(base).post("/accounts/password/reset/", {"email": "thief@example.com"}))
            time.sleep(8)
            stolen = sum(1 for m in sink.received if m["To"] == "thief@example.com" and "reset" in str(m["Subject"]).lower())
            record("accounts", "reset to an unconfirmed new address", "no reset mail to it", f"{stolen} sent", stolen == 0)
            token = project.shell(url, data, "from django.contrib.auth.models import User; "
                                             "from parley.accounts.models import ApiToken; "
                                             "print(ApiToken.issue(User.objects.get(username='bob'))[1])")
            project.shell(url, data, "from django.contrib.auth.models import User; u = User.objects.get(username='bob'); "
                                     "u.set_password('another-long-password-88'); u.save()")
            req = urllib.request.Request(base + "/api/v1/me/follows", headers={"Authorization": f"Bearer {token}"})
            try:
                status = urllib.request.urlopen(req, timeout=30).status
            except urllib.error.HTTPError as error:
                status = error.code
            record("accounts", "API token after a password change", "401", str(status), status == 401)
            status, body, _, _ = signup(Browser(base), "\u0430lice", email="lookalike@example.com")
            refused = project.shell(url, data, "from django.contrib.auth.models import User; "
                                               "print(User.objects.filter(username='\u0430lice').exists())") == "False"
            record("accounts", "sign-up as Cyrillic 'аlice' beside 'alice'", "refused", f"{status}, refused: {refused}",
                   refused)
            Browser(base).get("/unsubscribe/SECRETTOKEN123/")
            time.sleep(1)
            logged = "SECRETTOKEN123" in (data / "serve.log").read_text(errors="replace")
            record("accounts", "unsubscribe token in the access log", "redacted", "written" if logged else "redacted",
                   not logged)
    finally:
        sink.close()


def mentions(project):
    url, data = project.fresh()
    article = setup(project, url, data, ["alice", "\u00c9mile"])
    with project.serve(url, data) as base:
        browser = Browser(base)
        signin(browser, "alice")
        comment(browser, article, "Agreed with @\u00e9mile here.")
        _, page, _, _ = timed(lambda: Browser(base).get(article))
        linked = "/u/%C3%89mile/" in page or "/u/\u00c9mile/" in page
        record("mentions", f"@émile on {project.database}", "links to Émile", "linked" if linked else "not linked", linked)


def ssrf(project):
    url, data = project.fresh()
    for address in ("192.0.0.192", "192.0.0.8"):
        started = time.monotonic()
        done = project.parley(url, data, "sources", "add", f"http://{address}/feed.xml", timeout=120,
                              PARLEY_FETCH_TIMEOUT="5")
        words = (done.stderr + done.stdout).strip().splitlines()[-1:] or [""]
        refused = done.returncode != 0 and any(w in words[0].lower() for w in ("not allowed", "special", "private",
                                                                                "refus", "reserved"))
        record("ssrf", f"sources add http://{address}/", "refused by the address table",
               f"{words[0][:90]} ({time.monotonic() - started:.1f} s)", refused)


SCENARIOS = {"mail-hang": mail_hang, "mail-refused": mail_refused, "redis-down": redis_down,
             "sqlite-held": sqlite_held, "unstorable": unstorable, "limits": limits, "accounts": accounts,
             "mentions": mentions, "ssrf": ssrf}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parley-neighbours-") as work:
        project = Project(args.project.resolve(), args.database, Path(work))
        for name in args.only or SCENARIOS:
            print(f"{name}:", flush=True)
            SCENARIOS[name](project)
    commit = subprocess.run(["git", "-C", str(args.project), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"\nParley at {commit} ({args.project}), {args.database}\n")
    widths = [max(len(str(row[n])) for row in [("scenario", "probe", "should", "happened", "")] + ROWS) for n in range(5)]
    for row in [("scenario", "probe", "should", "happened", "")] + ROWS:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    print(f"\n{sum(r[4] == 'held' for r in ROWS)} of {len(ROWS)} held")


if __name__ == "__main__":
    main()
