"""The playground's settings schema: one descriptor per field of `schema.Config`, sent in `hello`.

The page builds its controls, reads and writes its URL hash and checks a value before sending it
from these descriptors, so a setting is declared once, in `Config`: its type, allowed values,
default and bounds come from pydantic's field, its labels (English, French) and its control
from the tables below. Tests hold the page's checks to pydantic's answers.
"""

from dataclasses import asdict, dataclass
from typing import Annotated, Literal, get_args, get_origin

import annotated_types

from profond.lab.schema import (
    CLASSIFY_DATASETS,
    LISTED,
    MULTICLASS_DATASETS,
    REGRESS_DATASETS,
    UNIQUE,
    Config,
)

# (English, French) name of each field
LABELS = {
    "problem": ("Problem type", "Type de problème"), "dataset": ("Data", "Données"),
    "n_classes": ("Classes", "Classes"), "noise": ("Noise", "Bruit"),
    "train_ratio": ("Ratio of training to test data", "Part des données d’entraînement"),
    "batch_size": ("Batch size", "Taille du lot"), "seed": ("Seed", "Graine"),
    "features": ("Features", "Entrées"), "hidden": ("Hidden layers", "Couches cachées"),
    "activation": ("Activation", "Activation"),
    "regularization": ("Regularization", "Régularisation"),
    "reg_rate": ("Regularization rate", "Taux de régularisation"),
    "lr": ("Learning rate", "Taux d’apprentissage"), "output": ("Output", "Sortie"),
    "optimizer": ("Optimizer", "Optimiseur"), "dropout": ("Dropout", "Dropout"),
    "init": ("Weight init", "Initialisation des poids"),
    "max_epochs": ("Stop after (epochs, 0 = never)", "Arrêt après (époques, 0 = jamais)"),
    "speed": ("Speed", "Vitesse"),
}

# (English, French) label of the values that do not read as themselves
VALUE_LABELS = {
    "problem": {"classification": ("Classification", "Classification"),
                "regression": ("Regression", "Régression")},
    "dataset": {"circle": ("Circle", "Cercle"), "xor": ("Exclusive or", "Ou exclusif"),
                "gauss": ("Gaussian", "Gaussiennes"), "spiral": ("Spiral", "Spirale"),
                "moons": ("Moons", "Lunes"), "blobs": ("Blobs (k classes)", "Nuages (k classes)"),
                "spirals": ("Spirals (k classes)", "Spirales (k classes)"),
                "reg-plane": ("Plane", "Plan"),
                "reg-gauss": ("Multi Gaussian", "Gaussiennes multiples"),
                "custom": ("Your own points", "Vos propres points")},
    "activation": {"relu": ("ReLU", "ReLU"), "tanh": ("Tanh", "Tanh"),
                   "sigmoid": ("Sigmoid", "Sigmoïde"), "linear": ("Linear", "Linéaire")},
    "regularization": {"none": ("None", "Aucune")},
    "optimizer": {"sgd": ("SGD", "SGD"), "momentum": ("SGD + momentum 0.9", "SGD + moment 0,9"),
                  "adagrad": ("Adagrad", "Adagrad"), "adam": ("Adam", "Adam")},
    "output": {"tanh": ("tanh + ½ squared error (TFP)", "tanh + ½ erreur quadratique (TFP)"),
               "softmax": ("softmax + cross-entropy", "softmax + entropie croisée")},
    "init": {"tfp": ("uniform ±0.5 (TFP)", "uniforme ±0,5 (TFP)"),
             "xavier": ("Xavier (Glorot)", "Xavier (Glorot)"),
             "he": ("He (Kaiming)", "He (Kaiming)"), "zeros": ("zeros", "zéros")},
    "speed": {"1": ("1 epoch / frame (TFP)", "1 époque / image (TFP)"),
              "10": ("10 epochs / frame", "10 époques / image"),
              "max": ("as fast as possible", "aussi vite que possible")},
}

# what the page needs beyond the values: which datasets belong to which problem
EXTRA = {"dataset": {"groups": {"classification": CLASSIFY_DATASETS,
                                "regression": REGRESS_DATASETS,
                                "multiclass": MULTICLASS_DATASETS}}}


@dataclass(frozen=True)
class Control:
    """How the page shows a field: a `select`, `slider` or `number` input in one of its groups
    (`top` bar, `extra` bar, `data` column); `ctl` names it in data-ctl, data-testid and the
    classroom link's `hide=` (default: the field's name in kebab-case)."""

    widget: Literal["select", "slider", "number"]
    group: Literal["top", "extra", "data"]
    step: float | None = None
    unit: str = ""
    ctl: str | None = None


# in the page's order; dataset, seed, features and hidden have their own widgets
CONTROLS = {
    "speed": Control("select", "top"), "lr": Control("select", "top", ctl="learning-rate"),
    "activation": Control("select", "top"), "regularization": Control("select", "top"),
    "reg_rate": Control("select", "top"), "problem": Control("select", "top"),
    "optimizer": Control("select", "extra"), "output": Control("select", "extra"),
    "dropout": Control("select", "extra"), "init": Control("select", "extra"),
    "max_epochs": Control("number", "extra", step=10),
    "n_classes": Control("slider", "data", step=1),
    "train_ratio": Control("slider", "data", step=10, unit="%"),
    "noise": Control("slider", "data", step=5), "batch_size": Control("slider", "data", step=1),
}


def settings_schema() -> list[dict]:
    """One descriptor per Config field (see docs/lab-protocol.md): those with a control in the
    page's order (CONTROLS), then the others in Config's order."""
    fields = Config.model_fields
    names = [*CONTROLS, *(name for name in fields if name not in CONTROLS)]
    return [_field(name, fields[name]) for name in names]


def _field(name: str, info) -> dict:
    out = {"name": name, "label": _pair(LABELS[name]), "default": info.get_default(
        call_default_factory=True), **_kind(info.annotation, info.metadata, name)}
    if name in CONTROLS:
        control = CONTROLS[name]
        out["control"] = {**asdict(control), "ctl": control.ctl or name.replace("_", "-")}
    return {**out, **EXTRA.get(name, {})}


def _kind(annotation, metadata: list, name: str) -> dict:
    """type ("string", "integer", "number" or "list"), then choices or bounds."""
    if get_origin(annotation) is Annotated:  # a list's items: Annotated[int, Field(ge=, le=)]
        annotation, *extra = get_args(annotation)
        metadata = [m for info in extra for m in getattr(info, "metadata", [info])]
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        lengths = {"min_length": 0, "max_length": None}
        for m in metadata:
            if isinstance(m, annotated_types.MinLen):
                lengths["min_length"] = m.min_length
            elif isinstance(m, annotated_types.MaxLen):
                lengths["max_length"] = m.max_length
        return {"type": "list", "items": _kind(item, [], name), **lengths,
                "unique": name in UNIQUE}
    if get_origin(annotation) is Literal:
        values = get_args(annotation)
        return {"type": _json_type(type(values[0])), "choices": _choices(name, values)}
    if name in LISTED:
        return {"type": "number", "choices": _choices(name, LISTED[name])}
    bounds = {"min": None, "max": None}
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            bounds["min"] = m.ge
        elif isinstance(m, annotated_types.Le):
            bounds["max"] = m.le
    return {"type": _json_type(annotation), **bounds}


def _json_type(python_type: type) -> str:
    return {str: "string", int: "integer", float: "number"}[python_type]


def _choices(name: str, values) -> list[dict]:
    labels = VALUE_LABELS.get(name, {})
    return [{"value": v, **({"label": _pair(labels[v])} if v in labels else {})} for v in values]


def _pair(labels: tuple[str, str]) -> dict:
    return {"en": labels[0], "fr": labels[1]}
