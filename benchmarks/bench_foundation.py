"""Throughput and peak memory of strip-diacritics and normalize against camel-tools.

    .venv/bin/python benchmarks/bench_foundation.py [--megabytes 50] [--repeat 3]

Builds a reproducible diacritized corpus (benchmarks/data/, not committed), then runs,
in the same session and over the same file, each command as a user would (the
installed console script, output to /dev/null) and camel-tools' functions in the
plain loop a user would write around them. Reports MB/s (best of --repeat runs) and
peak resident memory per process, and writes benchmarks/results/foundation.md.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from corpus import diacritized

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CAMEL_LOOP = """
import sys
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (normalize_unicode, normalize_alef_ar,
    normalize_alef_maksura_ar, normalize_teh_marbuta_ar)
def normalize(s):
    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(normalize_unicode(s))))
fn = {"dediac_ar": dediac_ar, "normalizers": normalize}[sys.argv[1]]
with open(sys.argv[2], encoding="utf-8", newline="\\n") as fin:
    sys.stdout.writelines(fn(line) for line in fin)
"""


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one run of ``command`` (stdout discarded)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "foundation.md")
    args = parser.parse_args()

    corpus = diacritized(HERE / "data" / f"diacritized-{args.megabytes}mb.txt", args.megabytes)
    small = diacritized(HERE / "data" / "diacritized-5mb.txt", 5)
    size_mb = corpus.stat().st_size / 1e6
    tool = str(BIN / "arabic-tools")
    python = sys.executable
    runs = {
        "strip-diacritics": [tool, "strip-diacritics", str(corpus)],
        "strip-diacritics --jobs 2": [tool, "strip-diacritics", "--jobs", "2", str(corpus)],
        "camel-tools dediac_ar (line loop)": [python, "-c", CAMEL_LOOP, "dediac_ar", str(corpus)],
        "normalize": [tool, "normalize", str(corpus)],
        "normalize --jobs 2": [tool, "normalize", "--jobs", "2", str(corpus)],
        "camel-tools normalizers (line loop)": [python, "-c", CAMEL_LOOP, "normalizers", str(corpus)],
        "strip-diacritics, 5 MB input": [tool, "strip-diacritics", str(small)],
        "normalize, 5 MB input": [tool, "normalize", str(small)],
    }
    # Start-up (interpreter, imports, rules) measured on empty input, so the table can
    # also show the throughput of the work itself.
    startup = {
        "arabic-tools": min(measure([tool, "normalize", "/dev/null"])[0] for _ in range(args.repeat)),
        "camel-tools": min(measure([python, "-c", CAMEL_LOOP, "dediac_ar", "/dev/null"])[0] for _ in range(args.repeat)),
    }
    print(f"start-up: {startup}", flush=True)
    results = {}
    for name, command in runs.items():
        timings = [measure(command) for _ in range(args.repeat)]
        seconds = min(t for t, _ in timings)
        memory = max(m for _, m in timings)
        megabytes = (small.stat().st_size / 1e6) if "5 MB" in name else size_mb
        work = max(seconds - startup["camel-tools" if name.startswith("camel") else "arabic-tools"], 1e-3)
        results[name] = (seconds, megabytes / seconds, memory, megabytes / work)
        print(f"{name:40s} {seconds:7.2f} s {megabytes / seconds:8.1f} MB/s {memory:7.1f} MB {megabytes / work:8.1f} MB/s w/o start-up", flush=True)

    def ratio(a: str, b: str, column: int = 1) -> float:
        return results[a][column] / results[b][column]

    lines = [
        "# Foundation benchmark: strip-diacritics and normalize",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_foundation.py --megabytes {args.megabytes} --repeat {args.repeat}`",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
        f"corpus: {size_mb:.1f} MB of seeded, fully diacritized MASSIVE ar-SA text (benchmarks/corpus.py). "
        f"Time is the best of {args.repeat} runs of the whole command (start-up included), output to /dev/null; "
        "memory is the peak resident set of the largest process (ru_maxrss).",
        "",
        f"Start-up measured on empty input: arabic-tools {startup['arabic-tools']:.2f} s (typer alone imports "
        f"pydantic), the camel-tools loop {startup['camel-tools']:.2f} s; the last column leaves it out.",
        "",
        "| run | seconds | MB/s | peak memory (MB) | MB/s without start-up |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {s:.2f} | {mbs:.1f} | {mem:.0f} | {work:.1f} |" for name, (s, mbs, mem, work) in results.items()),
        "",
        "| target | measured | met |",
        "|---|---:|---|",
        f"| strip-diacritics >= 3x dediac_ar throughput | {ratio('strip-diacritics', 'camel-tools dediac_ar (line loop)'):.2f}x | "
        f"{'yes' if ratio('strip-diacritics', 'camel-tools dediac_ar (line loop)') >= 3 else 'NO'} |",
        f"| strip-diacritics --jobs 2 >= 1.6x --jobs 1 | {ratio('strip-diacritics --jobs 2', 'strip-diacritics'):.2f}x | "
        f"{'yes' if ratio('strip-diacritics --jobs 2', 'strip-diacritics') >= 1.6 else 'NO'} |",
        f"| strip-diacritics --jobs 2 vs --jobs 1 without start-up | {ratio('strip-diacritics --jobs 2', 'strip-diacritics', 3):.2f}x | "
        "(the work is cheaper than moving the bytes between processes) |",
        f"| normalize --jobs 2 vs --jobs 1 | {ratio('normalize --jobs 2', 'normalize'):.2f}x | "
        f"{'yes' if ratio('normalize --jobs 2', 'normalize') >= 1.6 else 'NO'} (same target) |",
        f"| normalize vs camel-tools normalizers | {ratio('normalize', 'camel-tools normalizers (line loop)'):.2f}x | (no target; "
        "ours applies more groups) |",
        f"| peak memory < 150 MB | {max(r[2] for r in results.values()):.0f} MB max | "
        f"{'yes' if max(r[2] for r in results.values()) < 150 else 'NO'} |",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}")
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
