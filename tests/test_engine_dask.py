"""--engine dask on a real distributed.LocalCluster with two worker processes.

One cluster serves the whole module; the commands reach it with --scheduler, as a user
with a running cluster would. Expected bytes always come from the local engine.
"""

import logging
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arabic_tools import DiacriticRemover, LineMapper, Normalizer, engines
from casefiles import cases
from cli.main import app

distributed = pytest.importorskip("distributed")

runner = CliRunner()
INVALID_BYTE = "\N{LATIN SMALL LETTER Y WITH DIAERESIS}"  # stands for the byte 0xFF in case files


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def client(scheduler):
    with distributed.Client(scheduler) as client:
        yield client


def write_files(folder: Path, files: dict) -> None:
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content.encode("utf-8").replace(INVALID_BYTE.encode("utf-8"), b"\xff"))


def local(args, path):
    return runner.invoke(app, [*args, str(path)])


def parts(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*")))


@pytest.mark.parametrize("case", cases("engine"))
def test_case(case, tmp_path, scheduler):
    corpus = tmp_path / "corpus"
    write_files(corpus, case["files"])
    out = tmp_path / "out"
    size = str(case.get("block_size", 16))
    result = runner.invoke(app, [*case["args"], str(corpus), "-o", str(out), "--engine", "dask",
                                 "--scheduler", scheduler, "--block-size", size])
    if "error" in case:
        assert result.exit_code == 1
        bad = corpus / case["error"].split(":")[0]
        assert result.stderr == f"arabic-tools: {corpus / case['error']}\n"
        assert result.stderr == local(case["args"], bad).stderr
        assert not out.exists()
        return
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    files = sorted(corpus.iterdir())
    if case.get("per_file"):
        expected = b"".join(local(case["args"], f).stdout_bytes for f in files)
    else:
        concatenated = tmp_path / "all.txt"
        concatenated.write_bytes(b"".join(f.read_bytes() for f in files))
        expected = local(case["args"], concatenated).stdout_bytes
    assert parts(out) == expected
    assert len(engines.plan(str(corpus), int(size)).blocks) > len(files)  # files really were cut in blocks


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LINE_COMMANDS = [
    ["strip-diacritics"],
    ["normalize", "--digits", "arabic"],
    ["transliterate", "--scheme", "hsb"],
    ["tokenize"],
    ["latinize", "--catalogue", str(EXAMPLES / "latinize-catalogue.tsv"), "--cache-dir", "{tmp}"],
    ["khaleeji"],
]


def registered(command: str) -> bool:
    return runner.invoke(app, [command, "--help"]).exit_code == 0


@pytest.mark.parametrize("args", LINE_COMMANDS, ids=lambda a: a[0])
def test_every_line_command_runs_on_the_cluster(args, tmp_path, scheduler, shared_data):
    if not registered(args[0]):
        pytest.skip(f"{args[0]} has not landed")
    args = [a.replace("{tmp}", str(tmp_path / "cache")) for a in args]
    source = shared_data / "massive" / "ar-SA.train-dev.jsonl"
    lines = source.read_bytes().splitlines(keepends=True)[:200]
    corpus = tmp_path / "massive.jsonl"
    corpus.write_bytes(b"".join(lines))
    expected = local([*args, "-k", "utt"], corpus)
    assert expected.exit_code == 0, expected.stderr
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "-k", "utt", str(corpus), "-o", str(out), "--engine", "dask",
                                 "--scheduler", scheduler, "--block-size", "4KiB"])
    assert result.exit_code == 0, result.stderr
    assert parts(out) == expected.stdout_bytes


def test_glob_input_and_a_local_cluster_of_its_own(tmp_path):
    corpus = tmp_path / "corpus"
    write_files(corpus, {"b.txt": "إلى\r\n", "a.txt": "أحمد\n", "c.md": "آخر\n"})
    out = tmp_path / "out"
    result = runner.invoke(app, ["normalize", str(corpus / "*.txt"), "-o", str(out), "--engine", "dask", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert parts(out) == "احمد\nالى\r\n".encode()


def test_rule_overlays_reach_the_workers(tmp_path, scheduler):
    overlay = tmp_path / "rules"
    overlay.mkdir()
    shipped = (Path(__file__).resolve().parent.parent / "rules" / "normalize.yaml").read_text(encoding="utf-8")
    assert "default: true" in shipped.split("tatweel:")[1][:400]
    changed = shipped.split("tatweel:")
    changed[1] = changed[1].replace("default: true", "default: false", 1)
    (overlay / "normalize.yaml").write_text("tatweel:".join(changed), encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("تـــأكل\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["normalize", "--rules", str(overlay), str(source), "-o", str(out),
                                 "--engine", "dask", "--scheduler", scheduler])
    assert result.exit_code == 0, result.stderr
    assert parts(out) == "تـــاكل\n".encode()


def _compile_counts():
    import importlib

    return importlib.import_module("arabic_tools.normalize")._compiled.cache_info().misses


def test_rules_compile_once_per_worker_not_per_block(tmp_path, scheduler, client):
    source = tmp_path / "in.txt"
    source.write_text("أحمد إلى آخر ٣\n" * 2000, encoding="utf-8")
    before = client.run(_compile_counts)
    # Settings no other test uses, so their compiled table is new to every worker.
    mapper = LineMapper(Normalizer((("digits", "keep"), ("teh_marbuta", True))))
    work = engines.plan(str(source), block_size=1024)
    summary = engines.run_on_dask(mapper, work, str(tmp_path / "out"), scheduler=scheduler)
    after = client.run(_compile_counts)
    blocks_per_worker = {w: sum(b.worker == w for b in summary.blocks) for w in after}
    assert len(summary.blocks) == len(work.blocks) > 40
    for worker, blocks in blocks_per_worker.items():
        assert after[worker] - before[worker] == (1 if blocks else 0), (worker, blocks)


@dataclass(frozen=True)
class KillWorkerOnce:
    """Kills the worker process the first time it meets ``trigger``; a marker file remembers."""

    inner: DiacriticRemover
    marker: str
    trigger: str

    def __call__(self, text: str) -> str:
        if self.trigger in text:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                os.kill(os.getpid(), signal.SIGKILL)
        return self.inner(text)


def test_a_worker_killed_mid_job_still_gives_complete_identical_output(tmp_path, scheduler, client):
    # Workers import this module by name: they inherit pytest's sys.path.
    lines = [f"سطر رَقْم {i} كَتَبَ الوَلَدُ\r\n" for i in range(3000)]
    lines[1700] = "هنا يموت العامل\r\n"
    source = tmp_path / "in.txt"
    source.write_bytes("".join(lines).encode("utf-8"))
    marker = tmp_path / "killed"
    mapper = LineMapper(KillWorkerOnce(DiacriticRemover(), str(marker), "يموت"))
    work = engines.plan(str(source), block_size=4096)
    summary = engines.run_on_dask(mapper, work, str(tmp_path / "out"), scheduler=scheduler)
    assert len(summary.blocks) == len(work.blocks) > 20
    assert marker.exists()  # a worker really died
    expected = local(["strip-diacritics"], source)
    assert parts(tmp_path / "out") == expected.stdout_bytes
    assert not [p for p in (tmp_path / "out").iterdir() if not p.name.startswith("part-")]
    client.wait_for_workers(2, timeout=30)  # the nanny has restarted it for the next test


@pytest.mark.parametrize("extra, message", [
    ([], "not standard input"),
    (["-o", "-"], "name a new output directory"),
    (["--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"], "--jobs sizes the local cluster"),
    (["--block-size", "lots"], "is not a size"),
])
def test_usage_errors(extra, message, tmp_path):
    args = ["normalize", "--engine", "dask", *extra]
    if "-o" not in extra:
        args += ["-o", str(tmp_path / "out")]
    if extra:
        (tmp_path / "in.txt").write_text("x\n")
        args.insert(1, str(tmp_path / "in.txt"))
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_output_directory_must_be_new_or_empty(tmp_path, scheduler):
    (tmp_path / "in.txt").write_text("x\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "part-00000").write_text("old\n")
    result = runner.invoke(app, ["normalize", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out"),
                                 "--engine", "dask", "--scheduler", scheduler])
    assert result.exit_code == 2
    assert "must be new or empty" in result.stderr
    assert (tmp_path / "out" / "part-00000").read_text() == "old\n"


def test_an_empty_output_directory_is_filled(tmp_path, scheduler):
    (tmp_path / "in.txt").write_text("x\n")
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, ["normalize", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out"),
                                 "--engine", "dask", "--scheduler", scheduler])
    assert result.exit_code == 0, result.stderr
    assert parts(tmp_path / "out") == b"x\n"


def test_missing_input_is_an_input_error(tmp_path):
    result = runner.invoke(app, ["normalize", str(tmp_path / "nothing-*.txt"), "-o", str(tmp_path / "out"),
                                 "--engine", "dask"])
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {tmp_path / 'nothing-*.txt'}: no input files there\n"


def test_scheduler_needs_the_dask_engine():
    result = runner.invoke(app, ["normalize", "--scheduler", "tcp://127.0.0.1:8786"], input=b"x\n")
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.stderr


def test_fsspec_urls_for_input_and_output():
    import fsspec

    memory = fsspec.filesystem("memory")
    memory.pipe("/engine-test/in/a.txt", "أحمد إلى آخر\r\n".encode())
    memory.pipe("/engine-test/in/b.txt", "ﻻ تـــأكل\n".encode())
    # Threads in this process share the memory filesystem, as workers share a bucket.
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        result = runner.invoke(app, ["normalize", "memory://engine-test/in", "-o", "memory://engine-test/out",
                                     "--engine", "dask", "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.stderr
    names = sorted(memory.ls("/engine-test/out", detail=False))
    assert b"".join(memory.cat(n) for n in names) == "احمد الى اخر\r\nلا تاكل\n".encode()
    memory.rm("/engine-test", recursive=True)


def test_an_unreachable_scheduler_is_reported_in_one_line(tmp_path):
    import dask

    (tmp_path / "in.txt").write_text("x\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["normalize", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out"),
                                     "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: cannot reach the Dask scheduler at 'tcp://127.0.0.1:1': ")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == [tmp_path / "in.txt"]  # nothing left behind


def test_progress_counts_the_bytes_of_every_file(tmp_path, scheduler):
    write_files(tmp_path / "corpus", {"a.txt": "أحمد\n" * 50, "b.txt": "إلى\n" * 50})
    result = runner.invoke(app, ["normalize", str(tmp_path / "corpus"), "-o", str(tmp_path / "out"), "--progress",
                                 "--engine", "dask", "--scheduler", scheduler, "--block-size", "100"])
    assert result.exit_code == 0, result.stderr
    total = sum(f.stat().st_size for f in (tmp_path / "corpus").iterdir())
    assert total == 800
    assert f"{total}/{total} bytes" in result.stderr
