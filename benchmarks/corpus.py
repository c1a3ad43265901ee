"""Reproducible benchmark corpora built from the development data.

``diacritized(path, megabytes)`` writes fully diacritized Arabic text: MASSIVE ar-SA
utterances with short vowels, sukun, shadda and word-final tanween added by a seeded
generator, so every run measures the same bytes. The result is not real MSA
diacritization (the vowels are random); it has the density of marks that diacritized
TTS input has, which is what throughput depends on.
"""

import json
import random
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
MASSIVE_AR = SHARED / "massive" / "ar-SA.train-dev.jsonl"

FATHA, DAMMA, KASRA, SUKUN, SHADDA = "\u064E", "\u064F", "\u0650", "\u0652", "\u0651"
TANWEEN = ["\u064B", "\u064C", "\u064D"]


def _diacritize(word: str, rng: random.Random) -> str:
    out = []
    for i, char in enumerate(word):
        out.append(char)
        if "\u0621" <= char <= "\u064A":
            if rng.random() < 0.08:
                out.append(SHADDA)
            if i == len(word) - 1 and rng.random() < 0.15:
                out.append(rng.choice(TANWEEN))
            else:
                out.append(rng.choice([FATHA, FATHA, KASRA, DAMMA, SUKUN]))
    return "".join(out)


def diacritized(path: Path, megabytes: int, seed: int = 13) -> Path:
    """Write (once) about ``megabytes`` MB of diacritized lines to ``path``."""
    if path.exists() and path.stat().st_size >= megabytes * 1_000_000:
        return path
    rng = random.Random(seed)
    utterances = [json.loads(line)["utt"] for line in MASSIVE_AR.open(encoding="utf-8")]
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while size < megabytes * 1_000_000:
            line = " ".join(_diacritize(w, rng) for w in rng.choice(utterances).split()) + "\n"
            size += len(line.encode("utf-8"))
            out.write(line)
    return path
