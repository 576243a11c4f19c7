"""Print the tables of bench/compare.sh from hyperfine's JSON exports."""

import json
import statistics
import sys
from pathlib import Path


def medians(path: Path) -> dict[str, float]:
    results = json.loads(path.read_text())["results"]
    return {result["command"]: statistics.median(result["times"]) for result in results}


def main() -> None:
    work = Path(sys.argv[1])
    check = medians(work / "check.json")
    fix = medians(work / "fix.json")
    scaling = medians(work / "scaling.json")
    stdin = medians(work / "stdin.json")
    rss = dict(line.split() for line in (work / "rss.txt").read_text().splitlines())

    print("| median wall | cat | ruff | migrate | ruff / migrate | migrate / cat |")
    print("|---|---|---|---|---|---|")
    print(
        f"| check | {check['cat']:.3f} s | {check['ruff']:.3f} s | {check['migrate']:.3f} s"
        f" | {check['ruff'] / check['migrate']:.2f}x | {check['migrate'] / check['cat']:.2f}x |"
    )
    print(
        f"| check, NP201 only | | {check['ruff']:.3f} s | {check['migrate-np201']:.3f} s"
        f" | {check['ruff'] / check['migrate-np201']:.2f}x | {check['migrate-np201'] / check['cat']:.2f}x |"
    )
    print(
        f"| fix (on a copy) | | {fix['ruff']:.3f} s | {fix['migrate']:.3f} s"
        f" | {fix['ruff'] / fix['migrate']:.2f}x | |"
    )
    print()
    print("| peak RSS | ruff | migrate |")
    print("|---|---|---|")
    for mode in ("check", "fix"):
        ruff, migrate = (int(rss[f"{tool}-{mode}"]) / 1024 for tool in ("ruff", "migrate"))
        print(f"| {mode} | {ruff:.0f} MiB | {migrate:.0f} MiB |")
    print()
    print("| corpus | migrate --check | vs linear |")
    print("|---|---|---|")
    for times in (1, 2, 4):
        wall = scaling[f"x{times}"]
        linear = scaling["x1"] * times
        print(f"| x{times} | {wall:.3f} s | {100 * (wall / linear - 1):+.1f}% |")
    print()
    print(f"stdin (`migrate --fix -`, one small file): median {1000 * stdin['stdin']:.2f} ms")


if __name__ == "__main__":
    main()
