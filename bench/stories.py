"""Stories (issue 22): does a grouping put the articles that report one event together, and only them?

The labels are bench/labels/stories/labels.json, written by an annotator who saw only the corpus
texts (270 items: the AEB pages, the real feeds' entries, the article texts; same-event groups, hard
negatives, doubts). Every item is imported through `parley import` into a fresh SQLite database, so
what is grouped is what Parley stores. Printed per split, each method measured in the same run:

- pairwise precision and recall: over the pairs of items of the split (a pair's split is its items'
  split; a group's items take the group's split, other items one by a hash of their reference),
  pairs the annotator doubted left out, with how many labelled hard negatives were joined;
- B-cubed precision, recall and F1 over the split's items, with the predicted groups cut to them.

Methods: `parley stories` (every item enriched, then placed by the worker's job), `title` (exact or near-duplicate titles: outlet suffixes removed, word sets 80% alike) and
`tfidf` (cosine of TF-IDF vectors over title and lead, joined above a threshold, the best one for
the split printed: an oracle's choice, so a fair ceiling for that baseline).

    python bench/stories.py [--split dev|test|all]

`--split test` is the held-out part: score it once, when the grouping is done.
"""
import argparse
import gzip
import hashlib
import itertools
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "bench" / "labels" / "stories" / "labels.json"
WORD = re.compile(r"[^\W_]+")
OUTLET_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,40}$")
LEAD_WORDS = 60

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-stories-bench-")
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import feedparser  # noqa: E402
from django.core.management import call_command  # noqa: E402

from parley.articles.models import Article  # noqa: E402
from parley.sources.services import import_path  # noqa: E402
from parley.stories.models import Membership  # noqa: E402
from parley.stories.services import place_pending  # noqa: E402


def load_items(folder: Path) -> dict[str, dict]:
    """Import every labelled item; return {ref: {"title", "lead", "at"}} of those Parley stored (the
    article texts have no date line, so `parley import` refuses them: they are left out)."""
    labels = json.loads(LABELS.read_text())
    refs = [item["ref"] for item in labels["items"]]
    files, feeds = {}, {}
    for ref in refs:
        kind, _, name = ref.partition(":")
        if kind == "aeb":
            path = folder / f"{name}.html"
            path.write_bytes(gzip.decompress((SHARED / "aeb" / "html" / f"{name}.html.gz").read_bytes()))
            files[ref] = path
        elif kind == "txt":
            files[ref] = SHARED / "articles" / name
        elif kind == "feed":
            feeds.setdefault(name.partition("#")[0], []).append(ref)
    import_path([str(p) for p in files.values()] + [str(SHARED / "feeds" / f) for f in feeds])
    stored = {}
    by_origin = {a.origin: a for a in Article.objects.all()}
    for ref, path in files.items():
        article = by_origin.get(str(path.resolve()))
        if article:
            stored[ref] = article
    for name, feed_refs in feeds.items():
        entries = feedparser.parse(str(SHARED / "feeds" / name)).entries
        from_feed = list(Article.objects.filter(origin__startswith=str((SHARED / "feeds" / name).resolve()) + "#"))
        by_title = {a.title.strip().casefold(): a for a in from_feed}
        by_url = {a.url: a for a in from_feed if a.url}
        for ref in feed_refs:
            n = int(ref.partition("#")[2])
            if n >= len(entries):
                continue
            entry = entries[n]
            article = by_url.get(entry.get("link", "")) or by_title.get((entry.get("title") or "").strip().casefold())
            if article:
                stored[ref] = article
    return {ref: {"title": a.title, "lead": " ".join(a.body_text.split()[:LEAD_WORDS]), "at": a.published_at,
                  "id": a.pk} for ref, a in stored.items()}


def splits(labels: dict, refs) -> dict[str, str]:
    found = {}
    for group in labels["groups"]:
        for ref in group["refs"]:
            found[labels.get("aliases", {}).get(ref, ref)] = group["split"]
    for ref in refs:
        found.setdefault(ref, "dev" if int(hashlib.sha256(ref.encode()).hexdigest(), 16) % 2 == 0 else "test")
    return found


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def title_pairs(items: dict) -> set[frozenset]:
    """Baseline 1: exact or near-duplicate titles."""
    def key(title):
        return set(words(OUTLET_SUFFIX.sub("", title)))

    keys = {ref: key(item["title"]) for ref, item in items.items()}
    pairs = set()
    for a, b in itertools.combinations(sorted(items), 2):
        ka, kb = keys[a], keys[b]
        if ka and kb and len(ka & kb) / len(ka | kb) >= 0.8:
            pairs.add(frozenset((a, b)))
    return pairs


def tfidf_scores(items: dict) -> dict[frozenset, float]:
    """Baseline 2: cosine of TF-IDF vectors over title and lead, for every pair."""
    docs = {ref: Counter(words(item["title"] + " " + item["lead"])) for ref, item in items.items()}
    df = Counter(w for counts in docs.values() for w in counts)
    n = len(docs)
    vectors = {}
    for ref, counts in docs.items():
        vector = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w])) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[ref] = {w: v / norm for w, v in vector.items()}
    scores = {}
    for a, b in itertools.combinations(sorted(items), 2):
        va, vb = vectors[a], vectors[b]
        small, large = (va, vb) if len(va) < len(vb) else (vb, va)
        scores[frozenset((a, b))] = sum(v * large.get(w, 0.0) for w, v in small.items())
    return scores


def clusters(refs, pairs: set[frozenset]) -> dict[str, int]:
    """Groups as the transitive closure of the joined pairs: {ref: group number}."""
    parent = {ref: ref for ref in refs}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        a, b = tuple(pair)
        parent[root(a)] = root(b)
    return {ref: hash(root(ref)) for ref in refs}


def score(labels: dict, items: dict, split_of: dict, split: str, predicted: set[frozenset]) -> dict:
    aliases = labels.get("aliases", {})
    truth = {}
    for n, group in enumerate(labels["groups"]):
        for ref in group["refs"]:
            truth[aliases.get(ref, ref)] = n
    doubted = {frozenset(aliases.get(r, r) for r in pair) for doubt in labels.get("doubts", [])
               for pair in itertools.combinations(doubt["refs"], 2)}
    negatives = {frozenset((aliases.get(h["a"], h["a"]), aliases.get(h["b"], h["b"])))
                 for h in labels["hard_negatives"]}
    mine = sorted(ref for ref in items if split in ("all", split_of[ref]))
    predicted_groups = clusters(mine, {p for p in predicted if p <= set(mine)})
    tp = fp = fn = joined_negatives = 0
    for a, b in itertools.combinations(mine, 2):
        pair = frozenset((a, b))
        if pair in doubted:
            continue
        same = a in truth and truth.get(a) == truth.get(b)
        joined = predicted_groups[a] == predicted_groups[b]
        tp += same and joined
        fp += joined and not same
        fn += same and not joined
        joined_negatives += joined and pair in negatives
    # B-cubed: for each item, the share of its predicted group that is truly with it, and the share
    # of its true group that was predicted with it.
    true_group = {ref: truth.get(ref, f"alone:{ref}") for ref in mine}
    precision = recall = 0.0
    for ref in mine:
        predicted_with = [r for r in mine if predicted_groups[r] == predicted_groups[ref]]
        truly_with = [r for r in mine if true_group[r] == true_group[ref]]
        both = sum(1 for r in predicted_with if true_group[r] == true_group[ref])
        precision += both / len(predicted_with)
        recall += both / len(truly_with)
    bp, br = precision / len(mine), recall / len(mine)
    return {"items": len(mine), "labelled pairs": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "pair precision": tp / (tp + fp) if tp + fp else 1.0, "pair recall": tp / (tp + fn) if tp + fn else 1.0,
            "hard negatives joined": f"{joined_negatives}/{sum(1 for p in negatives if p <= set(mine))}",
            "B3 precision": bp, "B3 recall": br, "B3 F1": 2 * bp * br / (bp + br) if bp + br else 0.0}


def show(labels: dict, items: dict, split_of: dict, predicted: set) -> None:
    aliases = labels.get("aliases", {})
    truth = {aliases.get(r, r): n for n, g in enumerate(labels["groups"]) for r in g["refs"]}
    evidence = dict(Membership.objects.values_list("article_id", "evidence"))
    dev = sorted(r for r in items if split_of[r] == "dev")
    groups = clusters(dev, {p for p in predicted if p <= set(dev)})
    for a, b in itertools.combinations(dev, 2):
        same, joined = a in truth and truth.get(a) == truth.get(b), groups[a] == groups[b]
        if same != joined:
            print("MISSED" if same else "WRONG", "|", items[a]["title"][:70], "|", items[b]["title"][:70],
                  "|", evidence.get(items[a]["id"]) or evidence.get(items[b]["id"]), "|", _measured(items[a]["id"], items[b]["id"]))


def _measured(one: int, other: int) -> str:
    """What matching sees of a pair: text and plain-word similarity, shared names, hours apart."""
    from parley.stories.matching import cosine, seen
    from parley.stories.services import _facts_of

    facts = _facts_of([one, other])
    a, b = (seen(x.pk, x.published_at, x.title, x.body_text, facts.get(x.pk, []))
            for x in (Article.objects.get(pk=one), Article.objects.get(pk=other)))
    return (f"text {cosine(a.words, b.words):.2f} plain {cosine(a.plain, b.plain):.2f} "
            f"names {sorted(a.names & b.names)} {abs((a.at - b.at).total_seconds()) / 3600:.0f} h")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--show", action="store_true", help="list Parley's wrong and missed pairs (dev only)")
    args = parser.parse_args()
    if args.show and args.split != "dev":
        parser.error("--show lists pairs of the development part only")
    labels = json.loads(LABELS.read_text())
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        items = load_items(Path(tmp))
    refs = [item["ref"] for item in labels["items"]]
    split_of = splits(labels, refs)
    print(f"{len(items)} of {len(refs)} labelled items stored by parley import; split: {args.split}")
    call_command("enrich", all=True, verbosity=0)
    place_pending(limit=10_000)
    story_of = dict(Membership.objects.values_list("article_id", "story_id"))
    by_article = {item["id"]: ref for ref, item in items.items()}
    members: dict[int, list[str]] = {}
    for article_id, story_id in story_of.items():
        if article_id in by_article:
            members.setdefault(story_id, []).append(by_article[article_id])
    parley_pairs = {frozenset(p) for refs_in in members.values() for p in itertools.combinations(sorted(refs_in), 2)}
    if args.show:
        show(labels, items, split_of, parley_pairs)
    rows = [("parley stories", score(labels, items, split_of, args.split, parley_pairs)),
            ("title (exact or near-duplicate)", score(labels, items, split_of, args.split, title_pairs(items)))]
    tfidf = tfidf_scores(items)
    best = max((score(labels, items, split_of, args.split, {p for p, s in tfidf.items() if s >= t}) | {"threshold": t}
                for t in [x / 20 for x in range(2, 20)]), key=lambda row: (row["B3 F1"], row["pair precision"]))
    rows.append((f"tfidf title+lead, cosine >= {best['threshold']:.2f} (best)", best))
    columns = ["items", "labelled pairs", "tp", "fp", "fn", "pair precision", "pair recall", "hard negatives joined",
               "B3 precision", "B3 recall", "B3 F1"]
    print("| method | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
