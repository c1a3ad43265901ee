"""Speed and peak memory of resample: one million generated utterances from MASSIVE.

    .venv/bin/python benchmarks/bench_resample.py [--repeat 2] [--locales ar-SA en-US fr-FR]

Runs the installed console script as a user would (output to /dev/null, the table
switched off) on the MASSIVE train+dev files in ../shared/data/massive (or
$ARABIC_TOOLS_SHARED_DATA/massive), generating 10k, 100k and 1M utterances from ar-SA
and 1M from each other locale. Time is the best of --repeat runs (start-up included);
memory is the peak resident set (ru_maxrss). The same input with 100x more output
shows whether memory follows the input or the output. Writes
benchmarks/results/resample.md.
"""

import argparse
import os
import platform
import sys
from pathlib import Path

from bench_foundation import measure

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGET_SECONDS = 60


def shared_data() -> Path:
    configured = os.environ.get("ARABIC_TOOLS_SHARED_DATA")
    return Path(configured) if configured else HERE.parent.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--locales", nargs="+", default=["ar-SA", "en-US", "fr-FR"])
    parser.add_argument("--max-per-template", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "resample.md")
    args = parser.parse_args()

    tool = str(BIN / "arabic-tools")
    runs = []
    for locale in args.locales:
        source = shared_data() / "massive" / f"{locale}.train-dev.jsonl"
        if not source.is_file():
            raise SystemExit(f"{source} not found; set ARABIC_TOOLS_SHARED_DATA")
        totals = [10_000, 100_000, 1_000_000] if locale == "ar-SA" else [1_000_000]
        for total in totals:
            command = [tool, "resample", str(source), "--total", str(total), "--max-per-template",
                       str(args.max_per_template), "--seed", "1", "--quiet"]
            runs.append((locale, total, source, command))
    results = []
    for locale, total, source, command in runs:
        timings = [measure(command) for _ in range(args.repeat)]
        seconds = min(t for t, _ in timings)
        memory = max(m for _, m in timings)
        results.append((locale, total, source.stat().st_size / 1e6, seconds, memory))
        print(f"{locale} {total:>9,} {seconds:7.2f} s {total / seconds:10,.0f}/s {memory:7.1f} MB", flush=True)

    million = [r for r in results if r[1] == 1_000_000]
    worst = max(r[3] for r in million) if million else float("nan")
    lines = [
        "# resample benchmark",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_resample.py --repeat {args.repeat} "
        f"--locales {' '.join(args.locales)} --max-per-template {args.max_per_template}`",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}. "
        "Each run is the installed `arabic-tools resample FILE --total N --max-per-template "
        f"{args.max_per_template} --seed 1 --quiet`, JSON Lines to /dev/null, start-up included; best of "
        f"{args.repeat} runs. Memory is the peak resident set (ru_maxrss). Other jobs shared the machine, "
        "so times are noisy.",
        "",
        "| input | input MB | utterances generated | seconds | utterances/s | peak memory (MB) |",
        "|---|---:|---:|---:|---:|---:|",
        *(f"| MASSIVE {locale} train+dev | {mb:.1f} | {total:,} | {s:.2f} | {total / s:,.0f} | {mem:.0f} |"
          for locale, total, mb, s, mem in results),
        "",
        "| target | measured | met |",
        "|---|---:|---|",
        f"| 1M generated utterances <= {TARGET_SECONDS} s | {worst:.1f} s (slowest locale) | "
        f"{'yes' if worst <= TARGET_SECONDS else 'NO'} |",
    ]
    ar = {total: mem for locale, total, _, _, mem in results if locale == "ar-SA"}
    if 10_000 in ar and 1_000_000 in ar:
        lines.append(f"| memory follows the input, not the output | ar-SA: {ar[10_000]:.0f} MB for 10k, "
                     f"{ar[1_000_000]:.0f} MB for 1M (100x the output) | "
                     f"{'yes' if ar[1_000_000] < 1.5 * ar[10_000] else 'NO'} |")
    lines.append("")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
