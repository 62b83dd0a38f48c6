"""The lab's error frames, said in the page's language: one table of (English, French) templates.

Every error the server sends is `{"type": "error", "field", "code", "params", "message"}`:
`message` is the English text ("field: expected ...; got ..."), kept for scripts and other
clients; `code` is a key of MESSAGES and `params` (finite JSON) fill its `{name}` slots, so the
page (static/js/i18n.js, which fetches this table from /api/errors) says it in French or English
and says it again when the language switches. pydantic's errors are mapped onto the same codes
by their `type` and `ctx` (`from_validation`), the project's own checks raise `LabError`.
"""

import json
import math
import re

from pydantic import ValidationError

# code -> (English, French); the page puts "field: " (French "field : ") in front
MESSAGES = {
    # pydantic's error types (their ctx names the slots)
    "missing": ("expected a value; got none", "une valeur est attendue ; aucune reçue"),
    "extra_forbidden": ("expected no such field; got {got}",
                        "ce champ n’existe pas ; reçu {got}"),
    "literal_error": ("expected one of {expected}; got {got}",
                      "une de ces valeurs est attendue : {expected} ; reçu {got}"),
    "too_short": ("expected at least {min_length} items; got {actual_length}",
                  "au moins {min_length} éléments sont attendus ; reçu {actual_length}"),
    "too_long": ("expected at most {max_length} items; got {actual_length}",
                 "au plus {max_length} éléments sont attendus ; reçu {actual_length}"),
    "string_too_short": ("expected at least {min_length} characters; got {got}",
                         "au moins {min_length} caractères sont attendus ; reçu {got}"),
    "string_too_long": ("expected at most {max_length} characters",
                        "au plus {max_length} caractères sont attendus"),
    "string_pattern_mismatch": ("expected text matching {pattern}; got {got}",
                                "un texte de la forme {pattern} est attendu ; reçu {got}"),
    "less_than_equal": ("expected at most {le}; got {got}",
                        "au plus {le} est attendu ; reçu {got}"),
    "less_than": ("expected less than {lt}; got {got}",
                  "moins de {lt} est attendu ; reçu {got}"),
    "greater_than_equal": ("expected at least {ge}; got {got}",
                           "au moins {ge} est attendu ; reçu {got}"),
    "greater_than": ("expected more than {gt}; got {got}",
                     "plus de {gt} est attendu ; reçu {got}"),
    "float_parsing": ("expected a number; got {got}", "un nombre est attendu ; reçu {got}"),
    "int_parsing": ("expected an integer; got {got}", "un entier est attendu ; reçu {got}"),
    "string_type": ("expected text; got {got}", "un texte est attendu ; reçu {got}"),
    "bool_type": ("expected true or false; got {got}", "true ou false est attendu ; reçu {got}"),
    "list_type": ("expected a list; got {got}", "une liste est attendue ; reçu {got}"),
    "dict_type": ("expected an object; got {got}", "un objet est attendu ; reçu {got}"),
    "json_invalid": ("expected a JSON object; got {got}", "un objet JSON est attendu ; reçu {got}"),
    "invalid": ("expected another value; got {got}", "une autre valeur est attendue ; reçu {got}"),
    # the wire and the sessions
    "not_finite": ("expected finite numbers (JSON has no NaN or Infinity); got {got}",
                   "des nombres finis sont attendus (JSON n’a ni NaN ni Infinity) ; reçu {got}"),
    "too_deep": ("expected JSON nested a few levels deep; got nesting too deep to parse",
                 "un JSON de quelques niveaux est attendu ; reçu trop d’imbrication"),
    "binary": ("expected JSON text; got binary", "du texte JSON est attendu ; reçu du binaire"),
    "too_big": ("expected at most {max} bytes; got {got}",
                "au plus {max} octets sont attendus ; reçu {got}"),
    "lab_full": ("expected at most {max} at once; the lab is full",
                 "au plus {max} à la fois ; le lab est plein"),
    "internal": ("internal error: {detail}", "erreur interne : {detail}"),
    "unsent": ("internal error: the server's {kind} message held a non-finite number; it was "
               "not sent", "erreur interne : le message {kind} du serveur contenait un nombre "
               "non fini ; il n’a pas été envoyé"),
    "worker_lost": ("the training process stopped (exit code {exit_code}); a new one took over "
                    "and this network starts again from its settings",
                    "le processus d’entraînement s’est arrêté (code de sortie {exit_code}) ; un "
                    "nouveau a pris le relais et ce réseau repart de ses réglages"),
    # the playground
    "epochs_reached": ("reached {max}; reset or raise it",
                       "{max} atteint ; réinitialisez ou augmentez-le"),
    "class_index": ("expected a class index; got {got}",
                    "un numéro de classe est attendu ; reçu {got}"),
    "too_many_points": ("expected at most {max}; got {got}",
                        "au plus {max} sont attendus ; reçu {got}"),
    "no_training_point": ("expected at least one training point; got 0 (add points or raise "
                          "the train ratio)", "au moins un point d’entraînement est attendu ; "
                          "reçu 0 (ajoutez des points ou augmentez la part d’entraînement)"),
    "index_range": ("expected {min}..{max}; got {got}", "{min}..{max} est attendu ; reçu {got}"),
    "no_inputs": ("expected none (every input feature is off); got {got}",
                  "aucune n’est attendue (toutes les entrées sont éteintes) ; reçu {got}"),
    "distinct": ("expected distinct names; got {got}", "des noms distincts sont attendus ; "
                 "reçu {got}"),
    "csv_too_many_points": ("expected at most {max} points; got more",
                            "au plus {max} points sont attendus ; reçu davantage"),
    "csv_unreadable": ("line {line}: expected numbers x1,x2,label; got unreadable text ({detail})",
                       "ligne {line} : des nombres x1,x2,label sont attendus ; reçu un texte "
                       "illisible ({detail})"),
    "csv_no_rows": ("expected rows 'x1,x2,label'; got no data rows",
                    "des lignes « x1,x2,label » sont attendues ; reçu aucune ligne de données"),
    "csv_columns": ("line {line}: expected 3 values x1,x2,label; got {got}",
                    "ligne {line} : 3 valeurs x1,x2,label sont attendues ; reçu {got}"),
    "csv_numbers": ("line {line}: expected numbers x1,x2,label; got {got}",
                    "ligne {line} : des nombres x1,x2,label sont attendus ; reçu {got}"),
    "csv_xy_range": ("line {line}: expected x1, x2 in [-6, 6]; got {got}",
                     "ligne {line} : x1, x2 dans [-6, 6] sont attendus ; reçu {got}"),
    "csv_class": ("line {line}: expected a class in 0..{max}; got {got}",
                  "ligne {line} : une classe dans 0..{max} est attendue ; reçu {got}"),
    "csv_target": ("line {line}: expected a target in [-1, 1]; got {got}",
                   "ligne {line} : une cible dans [-1, 1] est attendue ; reçu {got}"),
    # the course pages
    "perceptron_epochs": ("expected at most {max} for the perceptron; got {got}",
                          "au plus {max} sont attendues pour le perceptron ; reçu {got}"),
    "weights_shape": ("expected {rows} rows of {cols} weights; got rows of {got}",
                      "{rows} lignes de {cols} poids sont attendues ; reçu des lignes de {got}"),
    "no_window": ("expected kernel_size <= dim_in + 2*padding (an output of at least 1); got "
                  "dim_in={dim_in}, kernel_size={kernel_size}, padding={padding}",
                  "kernel_size <= dim_in + 2*padding est attendu (une sortie d’au moins 1) ; "
                  "reçu dim_in={dim_in}, kernel_size={kernel_size}, padding={padding}"),
    "training_busy": ("expected no training in progress; one is running",
                      "aucun entraînement en cours n’est attendu ; un entraînement tourne"),
    "data_missing": ("expected a dataset in the cache; {data} is not downloaded yet (run "
                     "`profond data show {data}` once online)",
                     "un jeu de données en cache est attendu ; {data} n’est pas encore téléchargé "
                     "(lancez `profond data show {data}` une fois en ligne)"),
    "model_missing": ("expected a CNN trained on {data}; got none yet (press Train)",
                      "un CNN entraîné sur {data} est attendu ; aucun pour l’instant (appuyez sur "
                      "Entraîner)"),
    "cell_range": ("expected channel < {channels}, row and col < {size}; got {got}",
                   "canal < {channels}, ligne et colonne < {size} sont attendus ; reçu {got}"),
    "max_classes": ("expected at most {max} classes; got a new one, {got}",
                    "au plus {max} classes sont attendues ; reçu une nouvelle, {got}"),
    "max_examples": ("expected at most {max} examples per class; {got} has them",
                     "au plus {max} exemples par classe sont attendus ; {got} les a déjà"),
    "two_classes": ("expected at least 2 with examples; got {got}",
                    "au moins 2 avec des exemples sont attendues ; reçu {got}"),
}

# pydantic types said by another code of the table: same words, fewer templates
ALIASES = {"float_type": "float_parsing", "finite_number": "float_parsing",
           "int_type": "int_parsing", "int_from_float": "int_parsing",
           "bool_parsing": "bool_type", "model_type": "dict_type",
           "model_attributes_type": "dict_type", "json_type": "json_invalid"}
SLOT = re.compile(r"\{(\w+)\}")


def tables() -> dict:
    """The templates by language, as /api/errors serves them to the pages."""
    return {lang: {code: pair[i] for code, pair in MESSAGES.items()}
            for i, lang in enumerate(("en", "fr"))}


class LabError(ValueError):
    """A refusal the page can say in its language: `field`, `code` (a key of MESSAGES) and the
    `params` that fill its template; `str()` is the English message."""

    def __init__(self, field: str, code: str, **params):
        if code not in MESSAGES:
            raise KeyError(f"code: expected one of MESSAGES; got {code!r}")
        self.field, self.code, self.params = field, code, {k: _plain(v) for k, v in params.items()}
        super().__init__(english(field, code, self.params))

    def __reduce__(self):  # a worker process sends it through a pipe (compute.py)
        return _rebuild, (self.field, self.code, self.params)

    def frame(self) -> dict:
        return {"type": "error", "field": self.field, "code": self.code, "params": self.params,
                "message": str(self)}


def _rebuild(field: str, code: str, params: dict) -> LabError:
    return LabError(field, code, **params)


def english(field: str, code: str, params: dict) -> str:
    """The English message: "field: " and the template with its slots filled."""
    text = SLOT.sub(lambda m: _show(params.get(m[1], m[0])), MESSAGES[code][0])
    return f"{field}: {text}" if field else text


def _show(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _plain(value):
    """`value` as finite JSON: integral floats as ints (the page prints 100, not 100.0), lists of
    the same, anything else (a non-finite float, an object) as text."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def got(value) -> str | int | float:
    """What a client sent, to quote in an error: a number as itself, anything else as JSON
    text cut to 60 characters."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _plain(value)
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def internal(exc: Exception) -> LabError:
    """A bug: one error frame naming the exception, after the words "internal error"."""
    return LabError("", "internal", detail=f"{type(exc).__name__}: {exc}")


def frame_of(exc: Exception) -> dict:
    """The error frame for `exc`: a LabError's own; another ValueError (a check outside the lab,
    "field: expected ...") as its English words alone; anything else is a bug (`internal`)."""
    if isinstance(exc, LabError):
        return exc.frame()
    if isinstance(exc, ValueError):
        field = str(exc).split(":")[0] if ":" in str(exc) else ""
        return {"type": "error", "field": field, "message": str(exc)}
    return internal(exc).frame()


def from_validation(exc: ValidationError, drop_tag: bool, indices: bool = False) -> LabError:
    """pydantic's first error as a LabError; `drop_tag` leaves out the union's tag of its
    location ("add_point.x" -> "x"), `indices` keeps list indices in it ("points.0.x1"). A
    ValueError of our validators keeps its own code."""
    err = exc.errors()[0]
    ctx = err.get("ctx", {})
    if isinstance(ctx.get("error"), LabError):
        return ctx["error"]
    loc = err["loc"][1:] if drop_tag and len(err["loc"]) > 1 else err["loc"]
    field = ".".join(str(p) for p in loc if indices or not isinstance(p, int)) or "message"
    kind = ALIASES.get(err["type"], err["type"])
    params = {"got": got(err.get("input"))}
    if kind == "union_tag_invalid":  # an unknown message type
        field, kind = ctx["discriminator"].strip("'"), "literal_error"
        params = {"got": got(ctx["tag"]), "expected": _listed(ctx["expected_tags"])}
    elif kind == "union_tag_not_found":
        field, kind = ctx["discriminator"].strip("'"), "missing"
    elif kind == "json_invalid" and "recursion" in str(ctx.get("error")):
        kind, params = "too_deep", {}
    elif kind == "literal_error":
        params["expected"] = _listed(ctx["expected"])
    elif kind in MESSAGES:
        params.update(ctx)
    else:
        kind = "invalid"
    slots = SLOT.findall(MESSAGES[kind][0])
    return LabError(field, kind, **{k: v for k, v in params.items() if k in slots})


def _listed(text: str) -> list[str]:
    """pydantic's "'a', 'b' or 'c'" as ["'a'", "'b'", "'c'"]: the page joins them itself."""
    return re.split(r", | or ", text)
