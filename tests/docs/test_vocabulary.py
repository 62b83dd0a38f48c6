"""The French words: accuracy is « exactitude », precision (VP / (VP + FP)) is « précision »."""

import re

from helpers import ROOT

FRENCH_TEXTS = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
                *sorted((ROOT / "src/profond/exercises").glob("*.py")),
                ROOT / "src/profond/lab/static/pages/strings.js",
                ROOT / "src/profond/lab/static/js/i18n.js"]


def test_no_french_text_calls_accuracy_precision():
    # none of these texts computes a precision; every « précision » in them meant accuracy
    found = [f"{path.name}: {m.group(0)!r}" for path in FRENCH_TEXTS
             for m in re.finditer(r".{0,30}\b[Pp]r[ée]cision.{0,30}", path.read_text())
             if "set_printoptions" not in m.group(0)]
    assert not found, found


def test_the_glossary_tells_the_two_apart():
    glossary = (ROOT / "docs/glossaire.md").read_text()
    rows = {line.split("|")[2].strip(): line for line in glossary.splitlines()
            if line.startswith("| **")}
    assert "VP / (VP + FP)" in rows["precision"] and "Exactitude" in rows["accuracy"]
