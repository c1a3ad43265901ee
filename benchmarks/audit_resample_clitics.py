"""Draw a seeded sample of resample's clitic decisions on MASSIVE ar-SA for manual review.

    .venv/bin/python benchmarks/audit_resample_clitics.py [--sample 60] [--seed 6]

There is no gold standard for proclitics inside MASSIVE slot brackets, so precision and
recall are estimated by reading samples: SAMPLE values whose proclitic was detached
(is each a real proclitic?) and SAMPLE values that begin with a detachable letter but
were kept whole (is any a missed proclitic?). The script prints both samples as TSV
(decision, slot, value, proclitic, bare value) and the totals; the judgements of one
review are recorded in benchmarks/results/resample-clitics.md.
"""

import argparse
import os
import random
from pathlib import Path

from arabic_tools import resample
from arabic_tools.slots import Slot

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    configured = os.environ.get("ARABIC_TOOLS_SHARED_DATA")
    data = Path(configured) if configured else HERE.parent.parent / "shared" / "data"
    with open(data / "massive" / "ar-SA.train-dev.jsonl", encoding="utf-8") as stream:
        items = list(resample.read_utterances(stream))
    plan = resample.make_plan(items, 0)
    assert plan.splitter is not None
    first_letters = {form[0] for form in resample.resample_rules().arabic_detach}
    detached, kept = [], []
    for item in items:
        for part in item.parts:
            if isinstance(part, Slot):
                kind, proclitic, bare = plan.splitter.split(item.locale, part.name, part.value)
                if kind:
                    detached.append((part.name, part.value, proclitic, bare))
                elif part.value[0] in first_letters:
                    kept.append((part.name, part.value, "", part.value))
    rng = random.Random(args.seed)
    print(f"# detached {len(detached)}, kept whole although they begin with a detachable letter {len(kept)}")
    for label, values in (("detached", detached), ("kept", kept)):
        for row in rng.sample(values, min(args.sample, len(values))):
            print(label, *row, sep="\t")


if __name__ == "__main__":
    main()
