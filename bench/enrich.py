"""Enrichment benchmark: speed against the bare spaCy pipeline, and precision/recall on labelled articles.

Speed (one process, one core): the AEB benchmark's article bodies (real news prose) cut or joined to
about 1,000 words each, run through (1) the bare spaCy pipeline Parley uses (tok2vec, parser, NER
through nlp.pipe), (2) Parley's whole enrichment, (3) the rules that need no parse. Ratios are
against (1), measured in the same run.

Quality: the labelled articles of bench/labels/ (split.json says which are dev and which are test;
GUIDE.md how they were labelled), each article's text taken from ../shared/corpus, scored with
parley.enrichment.scoring (recall of required items; precision over everything found). The seed
page is imported and enriched for real and scored against seed/expected.json (required items found,
forbidden items found).

Splits: `dev` and `test` are the first round of labels (bench/labels/{dev,test}; both have been
looked at, so both are development data now); `round2-dev` and `round2-test` the second
(bench/labels/round2/, labelled before any run; round2-test was scored once, then developed on, so it
is development data too); `round3-test` the third (bench/labels/round3/, every AEB article no earlier
label used, all held out: score it once, at the end).
Besides precision and recall, each split reports forbidden items found (the labels' traps).

    python bench/enrich.py                        # speed, the dev split, seed
    python bench/enrich.py --split round3-test    # the held-out split (score it once, at the end)
    python bench/enrich.py --no-speed --show --split dev test round2-dev   # quality only, every miss and error
    python bench/enrich.py --no-speed --english --split round3-test         # English articles only
    PARLEY_BENCH_ITEMS=1 python bench/enrich.py --no-speed   # also one ITEM line per entity: evidence, confidence, right
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LABELS = ROOT / "bench" / "labels"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-enrich-bench-")
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from parley.articles.models import Article  # noqa: E402
from parley.enrichment import language  # noqa: E402
from parley.enrichment.models import Fact  # noqa: E402
from parley.enrichment.scoring import CATEGORIES, norm, score  # noqa: E402
from parley.enrichment.services import TEXT_RULES, enrich_article, extract  # noqa: E402
from parley.sources.services import import_path  # noqa: E402

WORDS = 1000


def thousand_word_texts() -> list[str]:
    truth = json.loads((SHARED / "corpus" / "aeb" / "ground-truth.json").read_text())
    words = " ".join(v["articleBody"] for v in truth.values()).split()
    texts = []
    for start in range(0, len(words) - WORDS, WORDS):
        chunk = words[start:start + WORDS]
        texts.append("\n\n".join(" ".join(chunk[i:i + 80]) for i in range(0, WORDS, 80)))
    return texts


def source_text(source: str) -> str:
    """Return the text a label's `source` names, from ../shared/corpus."""
    kind, name = source.split(":", 1)
    if kind == "aeb":
        truth = json.loads((SHARED / "corpus" / "aeb" / "ground-truth.json").read_text())
        return truth[name]["articleBody"]
    return (SHARED / "corpus" / "articles" / name).read_text(encoding="utf-8")


def speed() -> None:
    texts = thousand_word_texts()
    nlp = language.pipeline()
    rows = []
    list(nlp.pipe(texts[:4]))
    extract(texts[:4])
    for name, run in (("bare spaCy (tok2vec, parser, ner; nlp.pipe)", lambda: list(nlp.pipe(texts))),
                      ("Parley enrichment (all extractors)", lambda: extract(texts)),
                      ("rules without the parse (tickers, money, topics)",
                       lambda: [rule(t) for t in texts for rule in TEXT_RULES])):
        best = None
        for _ in range(2):
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        rows.append((name, len(texts) / best))
    base = rows[0][1]
    print(f"\nSpeed: {len(texts)} articles of {WORDS} words (AEB bodies), one process, best of 2 runs")
    print("| pipeline | articles/s | vs bare spaCy |")
    print("|---|---|---|")
    for name, rate in rows:
        print(f"| {name} | {rate:.1f} | {rate / base:.2f}x |")
    rate = rows[1][1]
    print(f"\n100,000-article backfill: {100_000 / rate / 3600:.1f} h on one worker (one core), "
          f"{100_000 / rate / 3600 / 4:.1f} h on four workers with a core each")


SPLITS = {"dev": ("", "dev"), "test": ("", "test"), "round2-dev": ("round2", "dev"), "round2-test": ("round2", "test"),
          "round3-test": ("round3", "test")}
KIND_OF = {"people": "person", "organizations": "organization", "places": "place", "tickers": "ticker", "quotes": "quote"}


def forbidden_found(facts: list[dict], label: dict) -> list[str]:
    """The label's traps that were found: forbidden names (or speakers) of each category's kind."""
    hits = set()
    for category, kind in KIND_OF.items():
        section = label.get(category, {})
        bad = {norm(b) for b in (section.get("forbidden", []) or section.get("forbidden_speakers", []))}
        hits |= {f"{category}:{f['key']}" for f in facts if f["kind"] == kind and norm(f["key"]) in bad}  # a quote's key is its speaker
    return sorted(hits)


ENTITY_KINDS = ("person", "organization", "place", "ticker")
ASSERTED = 0.7  # the confidence from which an entity is asserted (see the calibration table)
CALIBRATION: list[tuple[str, float, bool, str]] = []  # (category, confidence, right, evidence) of every item found


def calibration() -> None:
    """How often an item of each confidence is right, over the splits scored in this run."""
    print("\nCalibration (entity items of the splits above; an item's confidence is its highest fact's):")
    print("| confidence | items | right | share right |")
    print("|---|---|---|---|")
    for low, high in ((0.0, 0.65), (0.65, 0.75), (0.75, 0.85), (0.85, 0.95), (0.95, 1.01)):
        rows = [right for _, conf, right, _ in CALIBRATION if low <= conf < high]
        if rows:
            print(f"| {low:.2f}-{min(high, 1):.2f} | {len(rows)} | {sum(rows)} | {sum(rows) / len(rows):.2f} |")
    print("| category | at 0.70 or more: items, share right | below 0.70: items, share right |")
    print("|---|---|---|")
    for category in ("people", "organizations", "places", "tickers"):
        above = [r for c, conf, r, _ in CALIBRATION if c == category and conf >= 0.7]
        below = [r for c, conf, r, _ in CALIBRATION if c == category and conf < 0.7]
        print(f"| {category} | {len(above)}, {sum(above) / max(1, len(above)):.2f} | "
              f"{len(below)}, {sum(below) / max(1, len(below)):.2f} |")
    print("| category | evidence (the strongest fact's) | confidence | items | share right |")
    print("|---|---|---|---|---|")
    groups: dict[tuple, list[bool]] = {}
    for category, conf, right, evidence in CALIBRATION:
        groups.setdefault((category, evidence, conf), []).append(right)
    for (category, evidence, conf), rows in sorted(groups.items()):
        print(f"| {category} | {evidence} | {conf:.2f} | {len(rows)} | {sum(rows) / len(rows):.2f} |")


def quality(split: str, show: bool, english: bool = False) -> None:
    from parley.enrichment.language import is_english

    folder, part = SPLITS[split]
    names = json.loads((LABELS / folder / "split.json").read_text())[part]
    labels = {}
    left_out = 0
    for path in sorted((LABELS / folder / part).glob("*.json")):
        label = json.loads(path.read_text())
        source = label.get("source") or f"aeb:{label['aeb']}"
        if english and not is_english(source_text(source)):
            left_out += 1
            continue
        labels[source] = (path.name, label)
    if left_out:
        print(f"\n({split}: {left_out} labelled articles not in English left out, as --english asks)")
    texts = [source_text(s) for s in labels]
    results = extract(texts)
    totals = {c: [0, 0, 0, 0] for c in CATEGORIES}  # tp, fn, right, fp
    asserted_totals = {c: [0, 0, 0, 0] for c in CATEGORIES}
    forbidden = asserted_forbidden = 0
    for (_source, (name, label)), found in zip(labels.items(), results, strict=True):
        asserted = [{"kind": f.kind, "key": f.key, "text": f.text, "value": f.value} for f in found
                    if f.kind not in ENTITY_KINDS or f.confidence >= ASSERTED]
        asserted_forbidden += len(forbidden_found(asserted, label))
        for category, result in score(asserted, label).items():
            for n, field in enumerate(("tp", "fn", "right", "fp")):
                asserted_totals[category][n] += result[field]
        facts = [{"kind": f.kind, "key": f.key, "text": f.text, "value": f.value} for f in found]
        for category, result in score(facts, label).items():  # each distinct item, its confidence, right or not
            kind = KIND_OF.get(category)
            if kind and kind != "quote":
                wrong = set(result["wrong"])
                for key in {f.key for f in found if f.kind == kind}:
                    best = max((f for f in found if f.kind == kind and f.key == key), key=lambda f: f.confidence)
                    evidence = best.value.get("evidence") or best.value.get("type") or ""
                    CALIBRATION.append((category, best.confidence, key not in wrong, evidence))
                    if os.environ.get("PARLEY_BENCH_ITEMS"):
                        print(f"ITEM\t{category}\t{evidence}\t{best.confidence}\t{key not in wrong}\t{key}")
        hits = forbidden_found(facts, label)
        forbidden += len(hits)
        if show and hits:
            print(f"  {name} forbidden found: {hits}")
        for category, result in score(facts, label).items():
            t = totals[category]
            t[0] += result["tp"]
            t[1] += result["fn"]
            t[2] += result["right"]
            t[3] += result["fp"]
            if show and (result["missing"] or result["wrong"]):
                print(f"  {name} {category}: missing {result['missing']} wrong {result['wrong']}")
    extra = [] if english else sorted(set(names) - set(labels))
    print(f"\nQuality on the {split} split: {len(labels)} labelled articles"
          + (f" ({len(extra)} named in split.json have no label)" if extra else "")
          + f"; forbidden items found: {forbidden} ({forbidden / max(1, len(labels)):.2f} an article)")
    table(totals)
    print(f"\nWhat Parley asserts on the {split} split (people, organisations, places and tickers at confidence "
          f"{ASSERTED} or more; the rest are 'also mentioned'); forbidden items asserted: {asserted_forbidden}")
    table(asserted_totals)


def table(totals: dict) -> None:
    print("| category | required found | required | recall | items found | wrong | precision |")
    print("|---|---|---|---|---|---|---|")
    for category, (tp, fn, right, fp) in totals.items():
        print(f"| {category} | {tp} | {tp + fn} | {tp / (tp + fn) if tp + fn else 1:.2f} | {right + fp} | {fp} | "
              f"{right / (right + fp) if right + fp else 1:.2f} |")


def seed() -> None:
    call_command("migrate", verbosity=0)
    path = SHARED / "seed" / "000_4cd0b8571e5830e8.txt"
    expected = json.loads((SHARED / "seed" / "expected.json").read_text())
    import_path([str(path)], reference_date=None)
    article = Article.objects.get()
    enrich_article(article)
    facts = list(Fact.objects.filter(article=article).values("kind", "key", "text", "value"))
    required = found = forbidden = 0
    for category, result in score(facts, expected).items():
        required += result["tp"] + result["fn"]
        found += result["tp"]
        section = expected.get(category, {})
        bad = set(section.get("forbidden", []) or section.get("forbidden_speakers", []))
        hits = [f for f in facts if any(norm(f["key"]) == norm(b) for b in bad) and KIND_OF.get(category) == f["kind"]]
        forbidden += len({f["key"] for f in hits})
        if result["missing"] or hits:
            print(f"  seed {category}: missing {result['missing']} forbidden {sorted({f['key'] for f in hits})}")
    print(f"\nSeed page: {found}/{required} required items found, {forbidden} forbidden items found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", nargs="+", default=["dev"], choices=sorted(SPLITS))
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--show", action="store_true", help="list every missed and wrong item")
    parser.add_argument("--english", action="store_true",
                        help="score only the articles in English (Parley extracts entities from English only)")
    args = parser.parse_args()
    if not args.no_speed:
        speed()
    for split in args.split:
        quality(split, args.show, args.english)
    calibration()
    seed()


if __name__ == "__main__":
    main()
