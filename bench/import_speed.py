"""Import benchmark: text pages/s, HTML pages/s, and main-text quality on the AEB corpus.

Runs Parley's real import (`import_path`: decode, read, clean with nh3, dedupe, store, index) into
a fresh SQLite database, and trafilatura alone on the same HTML pages in the same run. Quality is
the article-extraction-benchmark's score: word 4-gram shingles of the extracted body against
`articleBody`, true/false positives normalised per page, precision and recall macro-averaged
over pages, F1 from those means.

    python bench/import_speed.py [--text-pages 300]
"""
import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "corpus" / "aeb"
WORD = re.compile(r"\w+", re.UNICODE)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-import-bench-")
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import trafilatura  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from parley.articles.demo import demo_drafts  # noqa: E402
from parley.articles.models import Article  # noqa: E402
from parley.sources.services import import_path  # noqa: E402


def shingles(text: str, n: int = 4) -> Counter:
    tokens = WORD.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """Return (tp, fp, fn) over 4-gram shingles, normalised so each page weighs the same."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pairs: list[tuple[str, str]]) -> dict:
    """Return macro precision, recall and F1 as the AEB benchmark computes them."""
    counts = [page_counts(true, pred) for true, pred in pairs]

    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = [precision(*c) for c in counts if c[0] + c[1] > 0]
    r = [recall(*c) for c in counts if c[0] + c[2] > 0]
    mp, mr = sum(p) / len(p), sum(r) / len(r)
    return {"precision": mp, "recall": mr, "f1": 2 * mp * mr / (mp + mr)}


def write_text_pages(folder: Path, count: int) -> list[Path]:
    """Write `count` saved text pages in the shape news apps print (demo text, invented)."""
    rng = random.Random(5)
    paths = []
    now = timezone.now()
    for n, draft in enumerate(demo_drafts(now, count)):
        when = draft.published_at - timedelta(days=rng.randint(0, 300))
        body = "\n\n".join(draft.paragraphs)
        text = (f"{draft.title} ({n})\n\n{draft.outlet}\n{when:%b} {when.day}, {when.year}\n\n{body}\n\n"
                f"Disclaimer: {draft.disclaimer}\n\nMost Discussed\n\n  1. 1\n\n  2. 2\n")
        path = folder / f"page-{n:04d}.txt"
        path.write_text(text)
        paths.append(path)
    return paths


def import_aeb(folder: Path) -> tuple[dict, dict, list, float, dict]:
    """Write the AEB pages into `folder` as saved .html files and import them with `parley import`;
    return (ground truth, {key: path}, reports, seconds, {key: stored body text})."""
    truth = json.loads((AEB / "ground-truth.json").read_text())
    paths = {}
    for key in truth:
        path = folder / f"{key}.html"
        path.write_bytes(gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()))
        paths[key] = path
    reports, seconds = timed(lambda: import_path([str(p) for p in paths.values()]))
    stored = dict(Article.objects.filter(origin__in=[str(p.resolve()) for p in paths.values()])
                  .values_list("origin", "body_text"))
    return truth, paths, reports, seconds, {k: stored.get(str(p.resolve()), "") for k, p in paths.items()}


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-pages", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = write_text_pages(folder, args.text_pages)
        reports, seconds = timed(lambda: import_path([str(p) for p in texts]))
        ok = sum(r.counts["imported"] for r in reports)
        rows.append(("text pages, parley import", len(texts), ok, len(texts) / seconds, None))

        if not AEB.exists():
            print(f"{AEB} is absent: HTML rows skipped")
        else:
            truth, html_paths, reports, seconds, bodies = import_aeb(folder)
            ok = sum(r.counts["imported"] + r.counts["updated"] + r.counts["unchanged"] for r in reports)
            ours = [(truth[k]["articleBody"], bodies[k]) for k in html_paths]
            rows.append(("HTML pages (AEB), parley import", len(html_paths), ok, len(html_paths) / seconds, score(ours)))

            pages = {k: p.read_text(encoding="utf-8") for k, p in html_paths.items()}
            extracted, seconds = timed(lambda: {k: trafilatura.extract(h) or "" for k, h in pages.items()})
            alone = [(truth[k]["articleBody"], extracted[k]) for k in pages]
            rows.append(("HTML pages (AEB), trafilatura alone", len(pages), sum(bool(v) for v in extracted.values()),
                         len(pages) / seconds, score(alone)))

    print(f"\nImport on one process, SQLite, {os.cpu_count()} cores")
    print(f"{'what':<38} {'files':>6} {'stored':>7} {'pages/s':>8} {'precision':>10} {'recall':>7} {'F1':>6}")
    for name, files, ok, rate, quality in rows:
        q = f"{quality['precision']:>10.3f} {quality['recall']:>7.3f} {quality['f1']:>6.3f}" if quality else ""
        print(f"{name:<38} {files:>6} {ok:>7} {rate:>8.1f} {q}")


if __name__ == "__main__":
    main()
