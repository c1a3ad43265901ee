"""The local engine against --engine dask on one machine: throughput, per-block speed, overhead.

    .venv/bin/python benchmarks/bench_engine.py [--megabytes 1000] [--repeat 2] [--keep-data]

Builds a reproducible corpus of about --megabytes MB under benchmarks/data/engine/ (not
committed; deleted afterwards unless --keep-data): MASSIVE ar-SA utterances drawn with
a seeded generator, one per line, every fifth line ending in CRLF. Then, as a user
would run them (the console script, output to a file on the same disk):

- ``normalize --jobs 1`` and ``--jobs 2`` (the local engine);
- ``normalize --engine dask --jobs 1`` and ``--jobs 2`` (a LocalCluster of that many
  worker processes, started by the command, which the timing includes);

checking that the sorted part files equal the local output byte for byte. The four are
run in turn, --repeat rounds, and each keeps its best time (other people's jobs share
the machine; all times are in engine.json). Then,
with a LocalCluster started once in this process, the per-block numbers: seconds per
block on its worker, the engine overhead (wall time beyond the blocks' work divided
among the workers) and, with tiny blocks, the fixed cost per block. Writes
benchmarks/results/engine.md and engine.json.
"""

import argparse
import hashlib
import json
import logging
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data" / "engine"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
MASSIVE_AR = REPO.parent / "shared" / "data" / "massive" / "ar-SA.train-dev.jsonl"
MB = 1_000_000


def build_corpus(path: Path, megabytes: int, seed: int = 7) -> Path:
    """Write (once) about ``megabytes`` MB of utterances, one per line, some with CRLF."""
    if path.exists() and path.stat().st_size >= megabytes * MB:
        return path
    rng = random.Random(seed)
    utterances = [json.loads(line)["utt"] for line in MASSIVE_AR.open(encoding="utf-8")]
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with path.open("wb") as out:
        while size < megabytes * MB:
            chunk = "".join(rng.choice(utterances) + ("\r\n" if rng.random() < 0.2 else "\n")
                            for _ in range(10_000)).encode("utf-8")
            out.write(chunk)
            size += len(chunk)
    return path


def digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 24):
                sha.update(chunk)
    return sha.hexdigest()


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "arabic-tools"), *args], check=True)
    return time.perf_counter() - started


RUNS = {
    "local --jobs 1": ["--jobs", "1"],
    "local --jobs 2": ["--jobs", "2"],
    "dask LocalCluster, 1 worker": ["--engine", "dask", "--jobs", "1"],
    "dask LocalCluster, 2 workers": ["--engine", "dask", "--jobs", "2"],
}


def end_to_end(corpus: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Best time of each run; the runs are interleaved so that changing load hits all alike."""
    size = corpus.stat().st_size
    times: dict[str, list[float]] = {name: [] for name in RUNS}
    expected = None
    for _ in range(repeat):
        for name, options in RUNS.items():
            out = DATA / ("parts" if "dask" in name else "local.txt")
            times[name].append(timed(["normalize", str(corpus), "-o", str(out), *options]))
            outputs = sorted(out.glob("part-*")) if out.is_dir() else [out]
            expected = expected or digest(outputs)
            assert digest(outputs) == expected, f"{name}: output differs from the local output"
            shutil.rmtree(out) if out.is_dir() else out.unlink()
            print(f"{name}: {times[name][-1]:.1f} s", file=sys.stderr)
    return {name: {"seconds": min(t), "mb_per_s": size / MB / min(t), "all_seconds": t} for name, t in times.items()}


def per_block(corpus: Path, workers: int) -> dict[str, float]:
    """Per-block throughput and the engine's overhead, with the cluster already running."""
    from distributed import Client, LocalCluster

    from arabic_tools import LineMapper, Normalizer, engines

    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - started
        mapper = LineMapper(Normalizer())
        client.run(Normalizer(), "")  # compiled rules in every worker, as after a first block

        def run(path: Path, block_size: int) -> tuple[engines.Plan, engines.Summary]:
            work = engines.plan(str(path), block_size)
            out = DATA / "parts"
            shutil.rmtree(out, ignore_errors=True)
            summary = engines.run_on_dask(mapper, work, str(out), scheduler=cluster.scheduler_address)
            shutil.rmtree(out)
            return work, summary

        work, summary = run(corpus, engines.DEFAULT_BLOCK_SIZE)
        speeds = [b.in_bytes / MB / b.seconds for b in summary.blocks]
        busy = sum(b.seconds for b in summary.blocks)
        # Fixed cost per block: a 20 MB slice in 16 KiB blocks, where the work is small.
        small = DATA / "small.txt"
        with corpus.open("rb") as source, small.open("wb") as target:
            target.write(source.read(20 * MB))
            target.write(source.readline())
        tiny_work, tiny = run(small, 16 << 10)
        tiny_busy = sum(b.seconds for b in tiny.blocks)
        small.unlink()
    return {
        "workers": workers,
        "cluster_startup_s": startup,
        "blocks": len(work.blocks),
        "block_size_mib": engines.DEFAULT_BLOCK_SIZE / 2**20,
        "wall_s": summary.seconds,
        "busy_s": busy,
        "mb_per_s": work.size / MB / summary.seconds,
        "block_mb_per_s_median": statistics.median(speeds),
        "block_mb_per_s_min": min(speeds),
        "block_mb_per_s_max": max(speeds),
        "overhead_s": summary.seconds - busy / workers,
        "tiny_blocks": len(tiny_work.blocks),
        "tiny_wall_s": tiny.seconds,
        "tiny_overhead_ms_per_block": 1000 * (tiny.seconds - tiny_busy / workers) / len(tiny_work.blocks),
    }


def report(corpus: Path, runs: dict[str, dict[str, float]], blocks: list[dict[str, float]], repeat: int) -> str:
    size = corpus.stat().st_size
    lines = [
        "# --engine dask against the local engine",
        "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/bench_engine.py', *sys.argv[1:]])}` on "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores; "
        f"`normalize` over {size / MB:.0f} MB ({sum(1 for _ in corpus.open('rb'))} lines) of MASSIVE ar-SA "
        f"utterances, output to files on the same disk. Best of {repeat} interleaved rounds; other jobs shared the machine.",
        "",
        "## End to end (the console script, as a user runs it)",
        "",
        "| run | best s | MB/s | all runs, s |",
        "|---|---|---|---|",
        *(f"| {name} | {r['seconds']:.1f} | {r['mb_per_s']:.1f} | {', '.join(f'{t:.1f}' for t in r['all_seconds'])} |"
          for name, r in runs.items()),
        "",
        "The dask runs include starting the LocalCluster; every dask output was checked to be",
        "byte-identical to the local output.",
        "",
        "## Per block (cluster already running)",
        "",
        "| workers | blocks | wall s | MB/s | block MB/s median (min-max) | overhead s | cluster start s | fixed cost per block |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {b['workers']} | {b['blocks']} x {b['block_size_mib']:.0f} MiB | {b['wall_s']:.1f} | {b['mb_per_s']:.1f} | "
          f"{b['block_mb_per_s_median']:.1f} ({b['block_mb_per_s_min']:.1f}-{b['block_mb_per_s_max']:.1f}) | "
          f"{b['overhead_s']:.1f} | {b['cluster_startup_s']:.1f} | {b['tiny_overhead_ms_per_block']:.1f} ms "
          f"({b['tiny_blocks']} blocks of 16 KiB) |" for b in blocks),
        "",
        "## Scaling with workers",
        "",
        *_scaling(runs, blocks),
        "",
        "Block MB/s is one block's bytes over the seconds its worker spent reading, mapping and",
        "writing it. Overhead is the wall time beyond the blocks' work shared among the workers:",
        "scheduling, the tail where one worker finishes the last block alone, and the client's",
        "bookkeeping. The fixed cost per block is that overhead per block with blocks so small",
        "that it dominates.",
    ]
    return "\n".join(lines) + "\n"


def _scaling(runs: dict[str, dict[str, float]], blocks: list[dict[str, float]]) -> list[str]:
    one, two = runs["dask LocalCluster, 1 worker"], runs["dask LocalCluster, 2 workers"]
    local_one, local_two = runs["local --jobs 1"], runs["local --jobs 2"]
    b1, b2 = blocks
    return [
        f"- End to end, 2 dask workers gave {two['mb_per_s'] / one['mb_per_s']:.2f}x the throughput of 1 "
        f"({one['mb_per_s']:.1f} -> {two['mb_per_s']:.1f} MB/s); the local engine went from "
        f"{local_one['mb_per_s']:.1f} MB/s with --jobs 1 to {local_two['mb_per_s']:.1f} MB/s with --jobs 2.",
        f"- With the cluster running, 2 workers gave {b2['mb_per_s'] / b1['mb_per_s']:.2f}x the throughput of 1, "
        f"while the median block was mapped at {b2['block_mb_per_s_median']:.1f} MB/s against "
        f"{b1['block_mb_per_s_median']:.1f} MB/s with one worker: per-block speed shows how much CPU each worker "
        "really got on this shared 2-core machine, and the overhead column how little the engine itself costs.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep-data", action="store_true", help="keep benchmarks/data/engine/ for another run")
    options = parser.parse_args()
    corpus = build_corpus(DATA / f"corpus-{options.megabytes}MB.txt", options.megabytes)
    try:
        runs = end_to_end(corpus, options.repeat)
        blocks = [per_block(corpus, workers) for workers in (1, 2)]
        text = report(corpus, runs, blocks, options.repeat)
    finally:
        if not options.keep_data:
            shutil.rmtree(DATA, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "engine.md").write_text(text, encoding="utf-8")
    (RESULTS / "engine.json").write_text(json.dumps({"end_to_end": runs, "per_block": blocks}, indent=2) + "\n",
                                         encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
