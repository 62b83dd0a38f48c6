"""The lab's WebSocket messages: one pydantic model per type, a union discriminated by `type`.

Every value a client can send is bounded here (layers, neurons, points, upload size), so a bad
message becomes an error frame naming the field, never an exception inside a session.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo, field_validator

from profond import names
from profond.lab.errors import LabError, got

# TensorFlow Playground's lists (index.html) and defaults (state.ts).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
CLASSIFY_DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "spirals", "custom")
REGRESS_DATASETS = ("reg-plane", "reg-gauss", "custom")
MULTICLASS_DATASETS = ("blobs", "spirals", "custom")
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
MAX_LAYERS, MAX_NEURONS, MAX_CLASSES = 6, 8, 6
MAX_POINTS = 2000
MAX_CSV_BYTES = 200_000
MAX_EPOCHS = 1_000_000
# the playground's menus: TFP's four activations, every optimizer of the table
ACTIVATIONS = names.subset(names.ACTIVATIONS, "relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = tuple(names.OPTIMIZERS)
# the float fields whose values come from a list (TFP's menus)
LISTED = {"lr": LEARNING_RATES, "reg_rate": REG_RATES}
UNIQUE = ("features",)  # the list fields whose items must differ

Dataset = Literal["circle", "xor", "gauss", "spiral", "moons", "blobs", "spirals",
                  "reg-plane", "reg-gauss", "custom"]
Feature = Literal["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Config(Strict):
    """The whole playground state; the front end mirrors it in the URL hash."""

    problem: Literal["classification", "regression"] = "classification"
    dataset: Dataset = "circle"
    n_classes: int = Field(3, ge=2, le=MAX_CLASSES)
    noise: int = Field(0, ge=0, le=50)
    train_ratio: int = Field(50, ge=10, le=90)
    batch_size: int = Field(10, ge=1, le=30)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    # none at all is allowed, as in TFP: each first-layer neuron then sees only its bias
    features: list[Feature] = Field(default_factory=lambda: ["x1", "x2"], min_length=0,
                                    max_length=7)
    hidden: list[Annotated[int, Field(ge=1, le=MAX_NEURONS)]] = Field(
        default_factory=lambda: [4, 2], max_length=MAX_LAYERS)
    activation: Literal[ACTIVATIONS] = "tanh"
    regularization: Literal["none", "L1", "L2"] = "none"
    reg_rate: float = 0.0
    lr: float = 0.03
    output: Literal["tanh", "softmax"] = "tanh"
    optimizer: Literal[OPTIMIZERS] = "sgd"
    dropout: Literal[0.0, 0.1, 0.2, 0.3, 0.5] = 0.0
    init: Literal["tfp", "xavier", "he", "zeros"] = "tfp"
    max_epochs: int = Field(0, ge=0, le=MAX_EPOCHS)
    # epochs trained per frame drawn while playing: 1 (TFP), 10, or as many as fit in the frame
    speed: Literal["1", "10", "max"] = "1"

    @field_validator(*LISTED)
    @classmethod
    def _listed(cls, value: float, info: ValidationInfo) -> float:
        return _in_list(info.field_name, value, LISTED[info.field_name])

    @field_validator(*UNIQUE)
    @classmethod
    def _unique(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if len(set(value)) != len(value):
            raise LabError(info.field_name, "distinct", got=got(value))
        return value

    def dataset_for_problem(self) -> str:
        """The dataset used: one that matches the problem type (TFP keeps one per problem)."""
        allowed = CLASSIFY_DATASETS if self.problem == "classification" else REGRESS_DATASETS
        return self.dataset if self.dataset in allowed else allowed[0]


def _in_list(name: str, value: float, allowed: tuple[float, ...]) -> float:
    for option in allowed:
        if abs(value - option) <= 1e-9 * max(1.0, option):
            return option
    raise LabError(name, "literal_error", expected=list(allowed), got=got(value))


class ConfigMsg(Strict):
    """Change some fields of the configuration; the others keep their values."""

    type: Literal["config"]
    config: dict


class Simple(Strict):
    type: Literal["play", "pause", "step", "reset", "regenerate", "clear_points",
                  "download_csv", "ping"]


class Edit(Strict):
    """Set one weight (source = index in the previous layer) or one bias (source = None)."""

    type: Literal["edit"]
    layer: int = Field(ge=1, le=MAX_LAYERS + 1)
    node: int = Field(ge=0, le=MAX_NEURONS * 2)
    source: int | None = Field(None, ge=0, le=MAX_NEURONS * 2)
    value: float = Field(ge=-100.0, le=100.0)


class AddPoint(Strict):
    type: Literal["add_point"]
    x: float = Field(ge=-6.0, le=6.0)
    y: float = Field(ge=-6.0, le=6.0)
    label: float = Field(ge=-1.0, le=MAX_CLASSES - 1)


class UploadCsv(Strict):
    type: Literal["upload_csv"]
    text: str = Field(max_length=MAX_CSV_BYTES)


class Hover(Strict):
    """Ask frames to carry one neuron's full-size heatmap ("layer,index"), or none."""

    type: Literal["hover"]
    node: str | None = Field(None, pattern=r"^\d,\d{1,2}$")


class Export(Strict):
    type: Literal["export"]
    format: Literal["safetensors", "pytorch"]


Message = Annotated[ConfigMsg | Simple | Edit | AddPoint | UploadCsv | Hover | Export,
                    Field(discriminator="type")]
MESSAGE = TypeAdapter(Message)


def limits() -> dict:
    """The caps that are not a setting: custom points and the CSV upload."""
    return {"max_points": MAX_POINTS, "max_csv_bytes": MAX_CSV_BYTES}
