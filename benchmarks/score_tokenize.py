"""Accuracy of tokenize on the WikiNews enclitic reference (or any file in its format).

Runs the library's Tokenizer on the surface column of GOLD (``surface<TAB>gold``) and
scores it with the shared scorer ``score_enclitics.py``. Writes a report to
``benchmarks/results/tokenize-accuracy[-BACKEND].md`` and ``.json`` unless --no-write.

    python benchmarks/score_tokenize.py                       # defaults: ../shared
    python benchmarks/score_tokenize.py --backend morphology --db ../shared/data/camel/calima-msa-r13.db
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def load_scorer(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_enclitics", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def evaluate(gold: Path, scorer: Path, **options: object) -> tuple[dict, list[str], list[str]]:
    from arabic_tools.tokenize import Tokenizer

    tokenizer = Tokenizer(**options)  # type: ignore[arg-type]
    scoring = load_scorer(scorer)
    gold_lines = scoring.read_lines(str(gold))
    predictions = [scoring.surface_column(line) + "\t" + tokenizer(scoring.surface_column(line)) for line in gold_lines]
    result, errors = scoring.score(gold_lines, predictions, False, 40)
    return result, errors, predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=SHARED / "data" / "segmentation" / "wikinews-enclitics.tsv")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_enclitics.py")
    parser.add_argument("--backend", default="statistics", choices=["statistics", "morphology"])
    parser.add_argument("--db", default=None, help="camel-tools morphology database for --backend morphology")
    parser.add_argument("--errors", action="store_true", help="print the error listing")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    result, errors, _ = evaluate(args.gold, args.scorer, backend=args.backend, database=args.db)
    seconds = time.perf_counter() - started
    scoring = load_scorer(args.scorer)
    scoring.print_report(result, label=f"tokenize --backend {args.backend} on {args.gold.name}")
    if args.errors:
        print("\n".join(errors))
    if args.no_write:
        return
    suffix = "" if args.backend == "statistics" else f"-{args.backend}"
    out = REPO / "benchmarks" / "results" / f"tokenize-accuracy{suffix}"
    command = "python benchmarks/score_tokenize.py"
    if args.backend != "statistics":
        command += f" --backend {args.backend} --db {args.db}"
    lines = [
        f"# tokenize accuracy ({args.backend} backend)", "",
        f"Reproduce: `{command}` (from the repository root, with ../shared beside it).", "",
        f"Gold: `{args.gold.name}`; scorer: `{args.scorer.name}`; wall time {seconds:.1f} s including loading.", "",
        "| metric | value |", "|---|---|",
        f"| token accuracy | {result['token_accuracy']:.4f} ({result['correct_tokens']} / {result['gold_tokens']}) |",
        f"| enclitic precision | {result['enclitic_precision']:.4f} ({result['tp_enclitics']} / {result['pred_enclitics']}) |",
        f"| enclitic recall | {result['enclitic_recall']:.4f} ({result['tp_enclitics']} / {result['gold_enclitics']}) |",
        f"| enclitic F1 | {result['enclitic_f1']:.4f} |",
        f"| misaligned sentences | {result['misaligned_sentences']} |", "",
        "Per enclitic form (tp / predicted / gold):", "",
        " ".join(f"{form}:{d.get('tp', 0)}/{d.get('pred', 0)}/{d.get('gold', 0)}" for form, d in result["per_form"].items()),
        "",
        "Remaining errors (first 40, gold vs prediction):", "", "```", *errors, "```", "",
    ]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {out.with_suffix('.md').relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
