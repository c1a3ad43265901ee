"""Speed and memory of latinize against a large catalogue (issue 4 targets).

    .venv/bin/python benchmarks/bench_latinize.py [--data ../shared/data] [--entries 300000] [--lines 5000]
        [--cli-lines 20000] [--write]

Targets: the index of 300,000 entries builds in at most 15 s; at least 1,000 ten-word
lines per second against it; peak memory (max RSS) at most 1.5 GB.

The catalogue is the 126k-entry dev catalogue plus wordfreq's English and French word
lists, cycled with a numbered suffix up to ``--entries`` (so its shape is realistic:
mostly person names of one to four words). The lines are ten words each, drawn with a
fixed seed from MASSIVE ar-SA utterances with one name from the dev pairs put in every
second line. Each figure is the better of ``--repeat`` runs; the machine is shared, so
timings are noisy.

Then the command line as a user runs it on a file of ``--cli-lines`` such lines, with
the index cache warm: ``arabic-tools latinize`` with one job and with ``--jobs 2`` (the
machine's two cores). Those figures are whole runs, start-up and index load included.
The workers are forked after the index is loaded and share its memory, so the memory
figure there is the largest sum over the process tree of each process's proportional
share (PSS), sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arabic_tools.latinize import Latinizer, build_index, read_catalogue  # noqa: E402


def _forget_word_keys() -> None:
    """Empty the per-process word-key caches, so every build is a cold build."""
    # sys.modules: the package exports a function of the same name as the module.
    latinize_module = sys.modules["arabic_tools.latinize"]
    latinize_module._latin_word_key.cache_clear()
    latinize_module._arabic_word_key.cache_clear()


def make_catalogue(data: Path, size: int) -> bytes:
    from wordfreq import top_n_list

    base = (data / "translit" / "dev_catalogue.txt").read_text(encoding="utf-8").split("\n")
    base = [e for e in base if e.strip()] + top_n_list("en", 50000) + top_n_list("fr", 50000)
    entries = list(dict.fromkeys(base))
    round_ = 1
    while len(entries) < size:
        entries += [f"{e} {round_}" for e in base[: size - len(entries)]]
        round_ += 1
    return ("\n".join(entries[:size]) + "\n").encode("utf-8")


def make_lines(data: Path, count: int) -> list[str]:
    rng = random.Random(4)
    words = []
    with open(data / "massive" / "ar-SA.train-dev.jsonl", encoding="utf-8") as stream:
        for line in stream:
            words += json.loads(line)["utt"].split()
    names = [line.split("\t")[1] for line in
             (data / "translit" / "dev_pairs.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    lines = []
    for i in range(count):
        line = [rng.choice(words) for _ in range(10)]
        if i % 2:
            line[rng.randrange(10)] = rng.choice(names)
        lines.append(" ".join(line))
    return lines


def _tree_pss(pid: int) -> int:
    """The proportional set size (KiB) of process ``pid`` and its descendants (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        process = stack.pop()
        try:
            with open(f"/proc/{process}/smaps_rollup", encoding="ascii") as stream:
                total += sum(int(line.split()[1]) for line in stream if line.startswith("Pss:"))
            with open(f"/proc/{process}/task/{process}/children", encoding="ascii") as stream:
                stack += [int(child) for child in stream.read().split()]
        except (OSError, ValueError):
            pass  # the process ended meanwhile
    return total


def run_cli(catalogue: Path, cache: Path, source: Path, jobs: int) -> tuple[float, float, bytes]:
    """Wall seconds, peak memory (MiB, PSS of the process tree) and output of one command-line run."""
    command = [sys.executable, "-m", "arabic_tools", "latinize", "--catalogue", str(catalogue), "--cache-dir", str(cache),
               "--jobs", str(jobs), str(source)]
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_pss(process.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
        output.seek(0)
        return seconds, peak / 1024, output.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cli-lines", type=int, default=20_000, help="lines of the command-line runs (0: none)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/latinize-speed.md")
    args = parser.parse_args()

    catalogue_bytes = make_catalogue(args.data, args.entries)
    lines = make_lines(args.data, args.lines)
    with tempfile.TemporaryDirectory() as folder:
        catalogue = Path(folder) / "catalogue.txt"
        catalogue.write_bytes(catalogue_bytes)
        builds = []
        for _ in range(args.repeat):
            _forget_word_keys()
            started = time.perf_counter()
            build_index(read_catalogue(catalogue_bytes, str(catalogue)))
            builds.append(time.perf_counter() - started)
        cache = Path(folder) / "cache"
        latinize = Latinizer(str(catalogue), cache_dir=str(cache))
        _forget_word_keys()
        started = time.perf_counter()
        latinize("")  # builds and writes the cache
        first_use = time.perf_counter() - started
        rates = []  # later runs hit the per-process span cache: the first is the cold figure
        for _ in range(args.repeat):
            started = time.perf_counter()
            changed = sum(latinize(line) != line for line in lines)
            rates.append(len(lines) / (time.perf_counter() - started))
        from arabic_tools.latinize import load_index

        started = time.perf_counter()
        load_index(catalogue, cache)
        cached_load = time.perf_counter() - started
        cache_size = sum(p.stat().st_size for p in cache.iterdir())
        cli_rows = []
        if args.cli_lines:
            source = Path(folder) / "lines.txt"
            source.write_text("".join(f"{line}\n" for line in make_lines(args.data, args.cli_lines)), encoding="utf-8")
            runs = {jobs: run_cli(catalogue, cache, source, jobs) for jobs in (1, 2)}
            if runs[1][2] != runs[2][2]:
                raise SystemExit("--jobs 2 wrote other bytes than one job")
            for jobs, (seconds, memory, _) in runs.items():
                option = f" --jobs {jobs}" if jobs > 1 else ""
                cli_rows += [
                    (f"arabic-tools latinize{option}, {args.cli_lines:,} lines: lines/s, start-up included",
                     f"{args.cli_lines / seconds:,.0f} ({seconds:.1f} s)", ">= 1,000" if jobs > 1 else ""),
                    (f"arabic-tools latinize{option}: peak memory of the processes (PSS)", f"{memory:,.0f} MiB",
                     "<= 1,536 MiB" if jobs > 1 else ""),
                ]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    rows = [
        ("entries", f"{args.entries:,}", ""),
        ("index build, cold (best of runs)", f"{min(builds):.1f} s", "<= 15 s"),
        ("first use: build + write cache", f"{first_use:.1f} s", ""),
        ("load from disk cache", f"{cached_load:.1f} s ({cache_size / 2**20:.0f} MiB file)", ""),
        ("ten-word lines/s, new lines", f"{rates[0]:,.0f}", ">= 1,000"),
        ("ten-word lines/s, the same lines again (span cache)", f"{max(rates[1:] or rates):,.0f}", ""),
        ("lines changed", f"{changed} of {len(lines)}", ""),
        ("peak memory (max RSS)", f"{peak:,.0f} MiB", "<= 1,536 MiB"),
        *cli_rows,
    ]
    table = "| measurement | result | target |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    print(table)
    if args.write:
        out = REPO / "benchmarks" / "results" / "latinize-speed.md"
        out.write_text("# latinize speed and memory\n\nReproduce: `.venv/bin/python benchmarks/bench_latinize.py --write` "
                       "(2-core shared machine; timings are noisy)\n\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
