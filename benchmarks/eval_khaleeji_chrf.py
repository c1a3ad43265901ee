"""chrF of `khaleeji --form spelling` against Gulf references, next to copying the MSA input.

The issue measures on hidden parallel MSA/Gulf data that --form spelling must move
undiacritized MSA "clearly toward the reference dialect". No parallel corpus is in
../shared, so this script uses examples/khaleeji-pairs.tsv: 30 short MSA sentences with
a Gulf rendering written for this project from the fact sheet's lexicon and examples
(the last column names the rows). It was written alongside the rules, so it shows that
the pipeline works end to end and catches regressions; it says little about unseen text.

    pip install sacrebleu   # dev-only (the `eval` extra)
    .venv/bin/python benchmarks/eval_khaleeji_chrf.py

Results: benchmarks/results/khaleeji-chrf.{md,json}.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from sacrebleu.metrics import CHRF

from arabic_tools import Khaleeji

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "examples" / "khaleeji-pairs.tsv"
RESULTS = REPO / "benchmarks" / "results"


def main() -> None:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_dialect: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_dialect[row["dialect"]].append(row)
    chrf = CHRF()
    report = {"pairs": str(PAIRS.relative_to(REPO)), "sentences": len(rows), "by_dialect": {}}
    hyps_all, copies_all, refs_all = [], [], []
    for dialect, items in sorted(by_dialect.items()):
        convert = Khaleeji(dialect, "spelling")
        hyps = [convert(r["msa"]) for r in items]
        refs = [r["gulf"] for r in items]
        copies = [r["msa"] for r in items]
        report["by_dialect"][dialect] = {
            "sentences": len(items),
            "chrf_copy": round(chrf.corpus_score(copies, [refs]).score, 1),
            "chrf_khaleeji": round(chrf.corpus_score(hyps, [refs]).score, 1),
            "exact": sum(h == r for h, r in zip(hyps, refs)),
        }
        hyps_all += hyps
        copies_all += copies
        refs_all += refs
    report["chrf_copy"] = round(chrf.corpus_score(copies_all, [refs_all]).score, 1)
    report["chrf_khaleeji"] = round(chrf.corpus_score(hyps_all, [refs_all]).score, 1)
    report["exact"] = sum(h == r for h, r in zip(hyps_all, refs_all))
    report["signature"] = str(chrf.get_signature())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "khaleeji-chrf.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    lines = ["# khaleeji --form spelling: chrF on the fact-sheet pairs", "",
             "`python benchmarks/eval_khaleeji_chrf.py` (sacrebleu " + report["signature"] + ") on "
             f"`{report['pairs']}`: {len(rows)} MSA sentences with Gulf renderings written for this project from "
             "the fact sheet (not independent data; see the script's docstring).", "",
             "| dialect | sentences | chrF copy input | chrF khaleeji | exact matches |", "|---|---|---|---|---|"]
    for dialect, r in report["by_dialect"].items():
        lines.append(f"| {dialect} | {r['sentences']} | {r['chrf_copy']} | {r['chrf_khaleeji']} | {r['exact']} |")
    lines.append(f"| all | {len(rows)} | {report['chrf_copy']} | {report['chrf_khaleeji']} | {report['exact']} |")
    (RESULTS / "khaleeji-chrf.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
