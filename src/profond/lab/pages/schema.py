"""The pages' WebSocket messages: one pydantic model per type, a union discriminated by `type`.

Every value a client can send is bounded here (points, epochs, image size, classes), so a bad
message becomes an error frame naming the field, never an exception inside the session.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo, field_validator

from profond.lab.errors import LabError

MAX_POINTS, MAX_PERCEPTRON_EPOCHS, MAX_DELTA_EPOCHS = 40, 100, 200
MAX_TRAIN_EPOCHS = 30
MAX_CLASSES, MAX_EXAMPLES = 10, 60  # few-shot: examples per class
BITMAP = 32  # the drawing is sent as 32x32 on/off pixels, as sklearn's digits were scanned

Coord = Annotated[float, Field(ge=-2.0, le=3.0)]
Weight = Annotated[float, Field(ge=-20.0, le=20.0)]
Bit = Annotated[int, Field(ge=0, le=1)]
CnnData = Literal["digits", "mnist"]  # the CNN explorer's datasets (cnn.SIZES)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Strict):
    x1: Coord
    x2: Coord
    t: Literal[0, 1]


class Perceptron(Strict):
    """Run Rosenblatt's rule (or the delta rule) on a few 2-D points."""

    type: Literal["perceptron", "delta"]
    points: list[Point] = Field(min_length=1, max_length=MAX_POINTS)
    w: list[Weight] = Field(default_factory=lambda: [0.0, 1.0, 0.0], min_length=3, max_length=3)
    lr: float = Field(1.0, gt=0.0, le=10.0)
    max_epochs: int = Field(20, ge=1, le=MAX_DELTA_EPOCHS)

    @field_validator("max_epochs")
    @classmethod
    def _perceptron_epochs(cls, value: int, info: ValidationInfo) -> int:
        # the perceptron's table grows by one row per example: a tighter cap than the delta rule's
        if info.data.get("type") == "perceptron" and value > MAX_PERCEPTRON_EPOCHS:
            raise LabError("max_epochs", "perceptron_epochs", max=MAX_PERCEPTRON_EPOCHS, got=value)
        return value


class Backprop(Strict):
    """One online step of the slides' sigmoid MLP 2-H-1 (2-H-2 when `t2` is given, as in deck
    001's example) on one example."""

    type: Literal["backprop"]
    x: list[Annotated[float, Field(ge=-5.0, le=5.0)]] = Field(min_length=2, max_length=2)
    t: float = Field(ge=0.0, le=1.0)
    t2: float | None = Field(None, ge=0.0, le=1.0)
    preset: Literal["mazur"] | None = None  # deck 001's example: replaces every other field
    hidden: Literal[2, 3] = 2
    lr: float = Field(0.5, gt=0.0, le=10.0)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    W_hidden: list[list[Weight]] | None = Field(None, max_length=3)
    W_output: list[list[Weight]] | None = Field(None, max_length=2)


class ConvSize(Strict):
    type: Literal["conv_size"]
    dim_in: int = Field(ge=1, le=1024)
    kernel_size: int = Field(ge=1, le=64)
    stride: int = Field(ge=1, le=64)
    padding: int = Field(ge=0, le=64)


class Drawing(Strict):
    """A 32x32 bitmap, row by row: the few-shot page classifies it."""

    type: Literal["fewshot_predict"]
    bitmap: list[Bit] = Field(min_length=BITMAP * BITMAP, max_length=BITMAP * BITMAP)


class Explore(Drawing):
    """The CNN explorer runs the drawing through the model trained on `data`."""

    type: Literal["cnn_predict"]
    data: CnnData = "digits"


class Patch(Explore):
    """Which conv output cell to explain: input patch x kernel + bias = value."""

    type: Literal["cnn_patch"]
    layer: Literal["conv1", "conv2"]
    channel: int = Field(ge=0, le=15)
    row: int = Field(ge=0, le=27)
    col: int = Field(ge=0, le=27)


class Train(Strict):
    type: Literal["cnn_train"]
    epochs: int = Field(10, ge=1, le=MAX_TRAIN_EPOCHS)
    data: CnnData = "digits"


class Status(Strict):
    type: Literal["cnn_status"]
    data: CnnData = "digits"


class AddExample(Strict):
    type: Literal["fewshot_add"]
    label: str = Field(min_length=1, max_length=24)
    bitmap: list[Bit] = Field(min_length=BITMAP * BITMAP, max_length=BITMAP * BITMAP)


class Simple(Strict):
    type: Literal["fewshot_reset", "fewshot_curve", "ping"]


Message = Annotated[Perceptron | Backprop | ConvSize | Drawing | Explore | Patch | Train | Status
                    | AddExample | Simple, Field(discriminator="type")]
MESSAGE = TypeAdapter(Message)
