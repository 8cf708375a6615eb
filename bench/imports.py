"""The structure in figures (issue 21): imports between Parley's apps, mutual pairs, imports inside
functions that cross apps, and the largest modules. Tests and migrations are left out.

    python bench/imports.py [--project DIR]    # DIR: another checkout (a git worktree) to compare
"""
import argparse
import ast
import pathlib


def measure(root: pathlib.Path) -> dict:
    package = root / "parley"
    apps = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    edges: dict[tuple[str, str], int] = {}
    inner = 0
    sizes = []
    for path in package.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        parts = path.relative_to(package).parts
        source = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        text = path.read_text()
        sizes.append((len(text.splitlines()), str(path.relative_to(root))))
        tree = ast.parse(text)
        in_function = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                       for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parley."):
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names if a.name.startswith("parley.")]
            else:
                continue
            for module in modules:
                target = module.split(".")[1]
                if target != source:
                    edges[(source, target)] = edges.get((source, target), 0) + 1
                    inner += id(node) in in_function and (source in apps or target in apps)
    pairs = sorted({tuple(sorted(e)) for e in edges if (e[1], e[0]) in edges})
    return {"edges": len(edges), "pairs": pairs, "inner": inner, "largest": sorted(sizes, reverse=True)[:3],
            "circles": circles(edges)}


def circles(edges) -> list[list[str]]:
    """The import circles between apps: strongly connected groups of more than one (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", default=[], help="other checkouts to measure too")
    args = parser.parse_args()
    here = pathlib.Path(__file__).resolve().parent.parent
    print("| checkout | module-to-module import edges (apps and top modules) | mutual pairs | circles (apps in each) "
          "| imports inside functions crossing apps | largest modules (lines) |")
    print("|---|---|---|---|---|---|")
    for root in [pathlib.Path(p).resolve() for p in args.project] + [here]:
        m = measure(root)
        largest = ", ".join(f"{path.removeprefix('parley/')} {n}" for n, path in m["largest"])
        print(f"| {root.name} | {m['edges']} | {len(m['pairs'])}: {', '.join('<->'.join(p) for p in m['pairs']) or 'none'} "
              f"| {len(m['circles'])}: {'; '.join(str(len(c)) for c in m['circles']) or 'none'} | {m['inner']} | {largest} |")


if __name__ == "__main__":
    main()
