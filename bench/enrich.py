"""Enrichment benchmark: articles/s on one core, and precision/recall per category on labelled articles.

Run it once in the default install and once after `make install-nlp` to compare.

Speed: the AEB benchmark's article bodies (real news prose, ../shared/corpus/aeb), cut or joined to
about 1,000 words each, run through every extractor in one process.
Quality: every ARTICLE.txt beside an ARTICLE.json expectations file in the seed's format (the seed
by default; pass more pairs), imported and enriched for real, scored with seed/README.md's rules.

    python bench/enrich.py [--pairs path/to/article.txt ...]
"""
import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-enrich-bench-")
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from parley.articles.models import Article  # noqa: E402
from parley.enrichment.extractors import nlp  # noqa: E402
from parley.enrichment.models import Fact  # noqa: E402
from parley.enrichment.scoring import CATEGORIES, score  # noqa: E402
from parley.enrichment.services import EXTRACTORS, enrich_article  # noqa: E402
from parley.sources.services import import_path  # noqa: E402

WORDS = 1000


def thousand_word_texts() -> list[str]:
    truth = json.loads((SHARED / "corpus" / "aeb" / "ground-truth.json").read_text())
    words = " ".join(v["articleBody"] for v in truth.values()).split()
    paragraphs = []
    for start in range(0, len(words) - WORDS, WORDS):
        chunk = words[start:start + WORDS]
        paragraphs.append("\n\n".join(" ".join(chunk[i:i + 80]) for i in range(0, WORDS, 80)))
    return paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", nargs="*", default=[str(SHARED / "seed" / "000_4cd0b8571e5830e8.txt")],
                        help="article files, each with expectations beside it (same name .json, or expected.json)")
    parser.add_argument("--labels", nargs="*", default=sorted(str(p) for p in (ROOT / "bench" / "labels").glob("*.json")),
                        help="expectations naming an AEB page by id (bench/labels/*.json by default)")
    args = parser.parse_args()
    texts = thousand_word_texts()
    mode = "with the nlp extra (spaCy)" if nlp.available() else "default install (no model)"
    for extractor in EXTRACTORS:
        extractor(texts[0])  # warm-up: the spaCy pipeline loads on first use
    started = time.perf_counter()
    for text in texts:
        for extractor in EXTRACTORS:
            extractor(text)
    elapsed = time.perf_counter() - started
    print(f"\nEnrichment speed, one process, {mode}: {len(texts)} articles of {WORDS} words "
          f"(AEB bodies) in {elapsed:.2f} s = {len(texts) / elapsed:.0f} articles/s")

    call_command("migrate", verbosity=0)
    totals = {c: [0, 0, 0] for c in CATEGORIES}
    cases = []
    for path in map(Path, args.pairs):
        expected_path = path.with_suffix(".json") if path.with_suffix(".json").exists() else path.parent / "expected.json"
        cases.append((path, json.loads(expected_path.read_text())))
    for label in map(Path, args.labels):
        expected = json.loads(label.read_text())
        page = Path(os.environ["PARLEY_DATA_DIR"]) / f"{label.stem}.html"
        page.write_bytes(gzip.decompress((SHARED / "corpus" / "aeb" / "html" / f"{expected['aeb']}.html.gz").read_bytes()))
        cases.append((page, expected))
    for path, expected in cases:
        Article.objects.all().delete()
        import_path([str(path)], reference_date=None)
        article = Article.objects.get()
        enrich_article(article)
        facts = list(Fact.objects.filter(article=article).values("kind", "key", "text", "value"))
        for category, result in score(facts, expected).items():
            totals[category][0] += result["tp"]
            totals[category][1] += result["fn"]
            totals[category][2] += result["fp"]
            if result["missing"] or result["forbidden"]:
                print(f"  {path.name} {category}: missing {result['missing']} forbidden {result['forbidden']}")
    print(f"\nQuality on {len(cases)} labelled article(s): recall of required items, precision against forbidden ones")
    print("| category | required found | required | forbidden found | recall | precision |")
    print("|---|---|---|---|---|---|")
    for category, (tp, fn, fp) in totals.items():
        if tp + fn + fp:
            print(f"| {category} | {tp} | {tp + fn} | {fp} | {tp / (tp + fn) if tp + fn else 1:.2f} | "
                  f"{tp / (tp + fp) if tp + fp else 1:.2f} |")


if __name__ == "__main__":
    main()
