"""Speed of `arabic-tools tokenize` against the pure-Python Farasa segmenter (PyPI `farasa`).

Builds a reproducible corpus of at least 1M whitespace tokens (MASSIVE ar-SA utterances
plus the WikiNews surface text from ../shared/data, shuffled with a fixed seed and
repeated), then times, on the same file in the same run, each tool in interleaved rounds
and keeps its best round (the machine is shared, timings are noisy):

- `arabic-tools tokenize CORPUS -o /dev/null` (one process), and with `--jobs 2`;
- Farasa's `segmentLine` over the same lines, in its own virtual environment (farasa's
  pickled models and dependencies stay out of the project venv):

      python3 -m venv /tmp/farasa-venv && /tmp/farasa-venv/bin/pip install farasa
      python benchmarks/bench_tokenize.py --farasa-python /tmp/farasa-venv/bin/python

Wall time includes start-up and model loading for both. Peak memory is GNU time's
maximum resident set size (for --jobs 2, the largest single process). Results go to
benchmarks/results/tokenize-speed.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
FARASA_SCRIPT = """
import sys
from farasa.segmentation import segmentLine
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        out.write(" ".join(segmentLine(line)) + "\\n")
"""


def build_corpus(path: Path, tokens: int, seed: int) -> int:
    lines = [json.loads(line)["utt"] for line in (DATA / "massive" / "ar-SA.train-dev.jsonl").open(encoding="utf-8")]
    lines += [line.split("\t", 1)[0] for line in (DATA / "segmentation" / "wikinews-enclitics.tsv").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        while count < tokens:
            rng.shuffle(lines)
            for line in lines:
                out.write(line + "\n")
                count += len(line.split())
                if count >= tokens:
                    break
    return count


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, children included) and peak RSS (kB)."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    started = time.perf_counter()
    done = subprocess.run([gnu_time, "-f", "%U %S %M", *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    user, system, rss = done.stderr.strip().splitlines()[-1].split()
    return seconds, float(user) + float(system), int(rss)


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, object]]:
    """Run every command once per round, ``runs`` rounds, so that the load of a shared
    machine falls on all of them alike; keep each command's best round."""
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(timed(command))
    summary: dict[str, dict[str, object]] = {}
    for name, rows in results.items():
        wall = min(r[0] for r in rows)
        cpu = min(r[1] for r in rows)
        summary[name] = {"seconds": round(wall, 2), "all_seconds": [round(r[0], 2) for r in rows],
                         "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(max(r[2] for r in rows) / 1024, 1)}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/tokenize-bench-1M.txt"))
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--farasa-python", default="/tmp/farasa-venv/bin/python")
    args = parser.parse_args()
    tokens = build_corpus(args.corpus, args.tokens, args.seed)
    tool = str(Path(sys.executable).with_name("arabic-tools"))
    results: dict[str, object] = {
        "corpus": {"path": str(args.corpus), "tokens": tokens, "lines": sum(1 for _ in args.corpus.open(encoding="utf-8")),
                   "seed": args.seed},
    }
    results.update(interleaved({
        "tokenize --jobs 1": [tool, "tokenize", str(args.corpus), "-o", "/dev/null"],
        "tokenize --jobs 2": [tool, "tokenize", str(args.corpus), "-o", "/dev/null", "--jobs", "2"],
        "farasa segmentLine": [args.farasa_python, "-c", FARASA_SCRIPT, str(args.corpus), "/dev/null"],
    }, args.runs))
    for name, row in results.items():
        if name != "corpus":
            row["tokens_per_second"] = round(tokens / row["seconds"])  # type: ignore[index]
            row["tokens_per_cpu_second"] = round(tokens / row["cpu_seconds"])  # type: ignore[index]
    ours, farasa = results["tokenize --jobs 1"], results["farasa segmentLine"]
    ratio = ours["tokens_per_second"] / farasa["tokens_per_second"]  # type: ignore[index]
    cpu_ratio = ours["tokens_per_cpu_second"] / farasa["tokens_per_cpu_second"]  # type: ignore[index]
    results["speedup_single_process_vs_farasa"] = round(ratio, 2)
    results["speedup_cpu_time_vs_farasa"] = round(cpu_ratio, 2)
    out = REPO / "benchmarks" / "results" / "tokenize-speed"
    out.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    rows = [f"| {name} | {r['seconds']} ({', '.join(map(str, r['all_seconds']))}) | {r['tokens_per_second']:,} "
            f"| {r['cpu_seconds']} | {r['tokens_per_cpu_second']:,} | {r['peak_rss_mb']} |"
            for name, r in results.items() if isinstance(r, dict) and "seconds" in r]
    lines = ["# tokenize speed against Farasa (PyPI `farasa`, pure Python)", "",
             "Reproduce: `python benchmarks/bench_tokenize.py --farasa-python /tmp/farasa-venv/bin/python` "
             "(see the script's docstring for the Farasa venv).", "",
             f"Corpus: {tokens:,} whitespace tokens, {results['corpus']['lines']:,} lines (MASSIVE ar-SA + WikiNews surface, "  # type: ignore[index]
             f"shuffled with seed {args.seed} and repeated). {args.runs} interleaved rounds on a shared 2-core machine, "
             "best round per tool; wall time includes start-up and model loading; CPU time is user + system "
             "of the process and its workers.", "",
             "| tool | best wall s (all rounds) | tokens/s (wall) | best CPU s | tokens/CPU s | peak RSS MB |",
             "|---|---|---|---|---|---|", *rows, "",
             f"Single-process speed-up over Farasa: **{ratio:.1f}x** by wall time, {cpu_ratio:.1f}x by CPU time.", ""]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
