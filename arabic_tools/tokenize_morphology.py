"""Deciding enclitic splits with the camel-tools morphological analyzer (optional backend).

The analyzer lists every reading of a word that a morphology database allows (CALIMA
MSA, CALIMA Gulf); a reading with a pronoun enclitic (``enc0`` such as ``3ms_poss``,
``1p_dobj``, ``3ms_pron``) proposes a split. When the database has readings both with
and without an enclitic, their lexeme probabilities (``pos_lex_logprob``) decide, and a
tie (``سيارتي``: "my car" or the dual construct "the two cars of") is left to the
statistical backend. Words the database does not know go to the statistical backend.

camel-tools reads ``$CAMELTOOLS_DATA/catalogue.json`` when ``camel_tools.data`` is
imported and tries to download it when it is missing. The database path is given
explicitly here, so when no catalogue exists an empty one is written to a cache folder
and ``CAMELTOOLS_DATA`` pointed at it before the import: the backend never goes online.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from arabic_tools.clitics import Clitic
from arabic_tools.errors import ArabicToolsError, OptionError
from arabic_tools.tokenize_statistics import StatisticalSplitter

# camel-tools' feature values for pronoun enclitics end in one of these.
_PRONOUN_ROLES = ("_poss", "_dobj", "_pron")
# camel-tools persons -> the person labels of rules/clitics.yaml
_PERSONS = {"2ms": "2s", "2fs": "2fs", "3mp": "3p", "2mp": "2p", "3md": "3d", "3fd": "3d", "2d": "2d"}
_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0653)) | {"\N{ARABIC LETTER SUPERSCRIPT ALEF}"}
_DIACRITIC_TABLE = {ord(c): None for c in _MARKS}


def _offline_catalogue() -> None:
    """Make sure importing camel_tools.data finds a catalogue and never downloads one."""
    configured = os.environ.get("CAMELTOOLS_DATA")
    default = Path(configured).expanduser() if configured else Path.home() / ".camel_tools"
    if (default / "catalogue.json").is_file():
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "arabic-tools" / "camel-tools"
    cache.mkdir(parents=True, exist_ok=True)
    catalogue = cache / "catalogue.json"
    if not catalogue.is_file():
        catalogue.write_text(json.dumps({"version": "0", "packages": {}, "components": {}}), encoding="utf-8")
    os.environ["CAMELTOOLS_DATA"] = str(cache)


def database_path(database: str) -> str:
    """The file of a camel-tools morphology database: ``database`` itself when it is a path,
    else the database camel-tools installed under that name (``calima-msa-r13``,
    ``calima-glf-01``: ``camel_data -i morphology-db-glf-01`` installs the second).

    A path to no file is a FileNotFoundError; a name camel-tools does not list, or lists
    but has not installed, is an OptionError that says which names it has installed.
    """
    if Path(database).is_file():
        return database
    if Path(database).name != database or database.endswith(".db"):
        raise FileNotFoundError(2, "No such file or directory", database)
    _offline_catalogue()
    from camel_tools.data import CATALOGUE

    component = CATALOGUE.components.get("MorphologyDB")
    datasets = component.datasets if component is not None else {}
    installed = sorted(name for name, entry in datasets.items() if (Path(entry.path) / "morphology.db").is_file())
    if database not in installed:
        listed = "listed by camel-tools but not installed" if database in datasets else "not a file, nor a database name camel-tools lists"
        raise OptionError(f"{database}: {listed} (installed: {', '.join(installed) or 'none'}; "
                          "camel-tools' camel_data installs them)")
    return str(Path(datasets[database].path) / "morphology.db")


@functools.cache
def analyzer(database: str) -> Any:
    """The camel-tools analyzer of ``database``, a path or an installed database's name
    (``database_path``); loaded once per process."""
    database = database_path(database)
    _offline_catalogue()
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.morphology.database import MorphologyDB
    from camel_tools.morphology.errors import DatabaseParseError

    try:
        return Analyzer(MorphologyDB(database, "a"), backoff="NONE", cache_size=0)
    except (DatabaseParseError, ValueError, KeyError) as error:
        raise ArabicToolsError(f"{database}: not a camel-tools morphology database ({error})") from None


def _enclitic(analysis: dict[str, Any]) -> str:
    """The pronoun enclitic feature of a reading (``3ms_poss``), or ``""``."""
    for feature in ("enc0", "enc1"):
        value = analysis.get(feature) or "0"
        if value.endswith(_PRONOUN_ROLES):
            return str(value)
    return ""


def _logprob(analysis: dict[str, Any]) -> float | None:
    value = analysis.get("pos_lex_logprob")
    return float(value) if isinstance(value, (int, float)) else None


class MorphologySplitter:
    """The enclitic of a bare word according to the analyzer, with statistics for ties."""

    def __init__(self, database: str | None, statistics: StatisticalSplitter) -> None:
        if not database:
            raise OptionError("--backend morphology needs --db: a camel-tools morphology database, "
                              "a file or the name of one installed")
        self.analyzer = analyzer(database)
        self.statistics = statistics

    def split(self, word: str) -> tuple[Clitic, str] | None:
        statistics = self.statistics
        candidates = [c for c in statistics.enclitics if word.endswith(c.form) and len(word) > len(c.form)]
        if not candidates:
            return None
        for prefix in statistics.prefixes:
            if word.startswith(prefix) and word[len(prefix):] in statistics.never_split:
                return None
        analyses = self.analyzer.analyze(word)
        if not analyses:
            return statistics.split(word)
        split = [a for a in analyses if _enclitic(a)]
        whole = [a for a in analyses if not _enclitic(a)]
        if not split:
            return None
        if whole:
            # Both kinds of reading: the database cannot rank them well (its lexeme
            # probabilities do not depend on the form: maghribi "Moroccan" against
            # maghrib + -i), so the statistics decide.
            return statistics.split(word)
        # The most probable reading whose enclitic is one of the candidates.
        ranked = sorted(split, key=lambda a: -(_logprob(a) or -1e9))
        found = next(((r, c) for r in ranked if (c := self._clitic(r, candidates)) is not None), None)
        if found is None:
            return statistics.split(word)
        reading, clitic = found
        stem = word[:len(word) - len(clitic.form)]
        # Names the database lacks get only suffixed readings (feesbuk as feesbu + -k);
        # a suffixed form is never far more common than its stem.
        if statistics.f(word) > 10 * statistics.f(statistics.restored(stem)) and statistics.split(word) is None:
            return None
        return clitic, self._stem(reading, stem)

    def _clitic(self, reading: dict[str, Any], candidates: list[Clitic]) -> Clitic | None:
        """The inventory enclitic the reading ends in: by the tokenization, else by person."""
        token = reading.get("atbtok") or reading.get("d3tok")
        if isinstance(token, str) and "_+" in token:
            suffix = token.rsplit("_+", 1)[1].translate(_DIACRITIC_TABLE)
            for clitic in candidates:
                if clitic.form == suffix:
                    return clitic
        person = _enclitic(reading).split("_")[0]
        person = _PERSONS.get(person, person)
        # camel-tools' roles (_poss, _dobj, _pron) are all pronoun-category clitics.
        matching = [c for c in candidates if c.person == person and c.category == "pronoun"]
        return matching[0] if matching else None

    def _stem(self, reading: dict[str, Any], stem: str) -> str:
        """The stem's own spelling from the reading's tokenization (keeping any proclitics)."""
        token = reading.get("atbtok") or reading.get("d3tok")
        if not isinstance(token, str) or "_+" not in token:
            return self.statistics.restored(stem)
        base = token.rsplit("_+", 1)[0].split("+_")[-1].translate(_DIACRITIC_TABLE)
        # Keep the proclitics as written and take the stem's letters from the reading;
        # only the last letter can differ (teh marbuta, alef maksura, hamza seat).
        if len(base) <= len(stem) and stem[len(stem) - len(base):-1] == base[:-1]:
            return stem[:len(stem) - len(base)] + base
        return self.statistics.restored(stem)
