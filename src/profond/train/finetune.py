"""Fine-tuning (deck 003): start from a pretrained ("generic") model and adapt it to our data.

The pretrained weights come from profond's own runs (`model.safetensors` + the run's config.json),
offline; torchvision or timm weights are loaded when those packages are installed. The head (the
last Linear layer) is replaced for the new classes; then either only the head learns ("features":
the backbone is a frozen feature extractor) or everything does ("full"), the backbone unfrozen one
block at a time from the top (Howard & Ruder 2018, gradual unfreezing) with a smaller learning rate
(discriminative learning rates: one optimizer param group for the head, one for the backbone).
"""

import importlib.util

import numpy as np
import torch
from torch import nn

from profond.checks import check_choice, check_int, check_positive
from profond.train.callbacks import Callback

MODES = ("features", "full")
HUBS = {"torchvision": "torchvision", "timm": "timm"}
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
MIN_SIDE = 32  # ImageNet networks downsample by 32: smaller images are upsampled first


class ImageNetInput(nn.Module):
    """An ImageNet network fed profond's images as its weights expect: rows reshaped to
    `input_shape` (C, H, W), grey repeated to 3 channels, sides under 32 upsampled (bilinear), then
    normalised by ImageNet's mean and std (torchvision's own preprocessing for these weights).

    x (N, C·H·W) or (N, C, H, W) with pixels in [0, 1], C in {1, 3} -> the network's outputs.
    """

    def __init__(self, net: nn.Module, input_shape):
        super().__init__()
        shape = tuple(input_shape)
        if len(shape) != 3 or shape[0] not in (1, 3):
            raise ValueError(f"--data: expected images with 1 or 3 channels for an ImageNet "
                             f"network; got input shape {shape}")
        self.net, self.input_shape = net, shape
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(len(x), *self.input_shape)
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if min(x.shape[-2:]) < MIN_SIDE:
            scale = MIN_SIDE / min(x.shape[-2:])
            x = nn.functional.interpolate(x, scale_factor=scale, mode="bilinear",
                                          align_corners=False)
        return self.net((x - self.mean) / self.std)


def head_name(model: nn.Module) -> str:
    """The qualified name of the model's last nn.Linear (its classifier head)."""
    names = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]
    if not names:
        raise ValueError(f"model: expected a torch model ending in nn.Linear; got "
                         f"{type(model).__name__} without one")
    return names[-1]


def replace_head(model: nn.Module, num_classes: int) -> nn.Linear:
    """Swap the last Linear for a fresh nn.Linear(in_features, num_classes); return the new head."""
    name = head_name(model)
    old = model.get_submodule(name)
    parent_name, _, child = name.rpartition(".")
    head = nn.Linear(old.in_features, num_classes, bias=old.bias is not None)
    setattr(model.get_submodule(parent_name), child, head)
    return head


def backbone_blocks(model: nn.Module) -> list[nn.Module]:
    """The modules that own parameters, input side first, the head left out: what unfreezes."""
    head = model.get_submodule(head_name(model))
    return [m for m in model.modules()
            if m is not head and any(True for _ in m.parameters(recurse=False))]


def model_options(config: dict) -> dict:
    """`create_model` options from a `profond train` run's config.json, as the recipe built it."""
    from profond.train.config import TrainConfig
    from profond.train.recipe import model_options as options

    return options(TrainConfig.from_dict(config))


def load_pretrained(source: str, input_shape, store=None) -> tuple[nn.Module, dict]:
    """(model with its pretrained head, description) from a run id of `store` (default: the runs
    store) or from "torchvision:NAME" / "timm:NAME" when that package is installed."""
    hub, sep, name = source.partition(":")
    if sep and hub in HUBS:
        return ImageNetInput(_from_hub(hub, name), input_shape), {"model": source, "source": hub}
    from profond.models import create_model
    from profond.train.checkpoint import load_weights
    from profond.train.runs import AmbiguousRunId, RunStore

    store = store or RunStore()
    try:
        run = store.open(source)
    except AmbiguousRunId as exc:  # the same message as `runs show`
        raise ValueError(exc.args[0]) from None
    except KeyError:
        raise ValueError(f"--from: expected a run id of {store.db_path} or torchvision:NAME / "
                         f"timm:NAME; got {source!r}") from None
    config = run.config
    weights_path = run.folder / "model.safetensors"
    if not weights_path.is_file():
        raise ValueError(f"--from: expected a run with model.safetensors; {source!r} has none")
    weights = load_weights(weights_path)
    options = model_options(config)
    probe = create_model(config["model"], input_shape, 2, **options)
    n_old = weights[head_name(probe) + ".weight"].shape[0]
    model = create_model(config["model"], input_shape, n_old, **options)
    try:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    except RuntimeError as exc:
        raise ValueError(f"--data: expected examples shaped like those of run {source!r} "
                         f"(data {config.get('data')!r}); got input shape {tuple(input_shape)} "
                         f"({str(exc).splitlines()[0]})") from None
    # the architecture keys travel on, so a fine-tuned run can itself be fine-tuned
    arch = {k: config[k] for k in ("model", "hidden", "activation", "dropout") if k in config}
    return model, {**arch, "source": "run", "run": source,
                   "pretrained_data": config.get("data"), "pretrained_classes": n_old}


def check_source(source: str) -> None:
    """Fail early, before any data loads, when a torchvision:/timm: source lacks its package."""
    hub, sep, name = source.partition(":")
    if sep and hub in HUBS and importlib.util.find_spec(HUBS[hub]) is None:
        raise ValueError(f"--from: {hub}:{name} needs the {hub} package, which is not installed "
                         f"(pip install {hub}); pretrained runs of profond (--from RUN_ID) work "
                         f"offline")


def _from_hub(hub: str, name: str) -> nn.Module:
    """ImageNet weights from torchvision or timm: needs the package and, once, the network."""
    check_source(f"{hub}:{name}")
    try:
        if hub == "torchvision":
            import torchvision

            return torchvision.models.get_model(name, weights="DEFAULT")
        import timm

        return timm.create_model(name, pretrained=True)
    except (OSError, RuntimeError) as exc:  # URLError is an OSError: no network, or no such file
        raise ValueError(f"--from: {hub}:{name}: could not load its pretrained weights "
                         f"({type(exc).__name__}: {exc}); they download once into torch's cache "
                         f"(TORCH_HOME, default ~/.cache/torch), so run this once online, or "
                         f"fine-tune a profond run (--from RUN_ID) offline") from None


def unfreeze_counts(schedule: str, n_blocks: int):
    """epoch -> how many backbone blocks (from the top) learn: "all", "none", "every:K" (one more
    block every K epochs, the head alone first) or epochs "E1,E2,..." (one more block at each)."""
    text = schedule.strip()
    if text in ("all", "none"):
        return lambda epoch: n_blocks if text == "all" else 0
    if text.startswith("every:") and text[6:].isdigit() and int(text[6:]) > 0:
        k = int(text[6:])
        return lambda epoch: min(n_blocks, (epoch - 1) // k)
    parts = [p.strip() for p in text.split(",")]
    if all(p.isdigit() and int(p) >= 1 for p in parts):
        epochs = sorted(int(p) for p in parts)
        return lambda epoch: min(n_blocks, sum(e <= epoch for e in epochs))
    raise ValueError(f"--unfreeze-schedule: expected all, none, every:K or epochs like 2,4; "
                     f"got {schedule!r}")


class GradualUnfreezing(Callback):
    """At each epoch's start, only the top `counts(epoch)` backbone blocks (and the head) learn."""

    def __init__(self, blocks: list[nn.Module], counts):
        self.blocks, self.counts = blocks, counts
        self.trainable: list[int] = []  # blocks learning, per epoch (for the run's record)

    def on_epoch_begin(self, epoch: int) -> None:
        k = self.counts(epoch)
        for i, block in enumerate(self.blocks):
            for p in block.parameters(recurse=False):
                p.requires_grad_(i >= len(self.blocks) - k)
        self.trainable.append(k)


def finetuner(model: nn.Module, num_classes: int, mode: str = "full", schedule: str = "all",
              lr: float = 1e-3, backbone_lr_mult: float = 0.1, weight_decay: float = 0.0,
              input_shape=None, task: str = "classification", layer_decay: float = 1.0):
    """(TorchLearner, callbacks) for fine-tuning `model` on `num_classes` with the one Trainer.

    The head is new (lr); in "full" mode the backbone block k places below the top learns at
    lr · backbone_lr_mult / layer_decay^k (Howard & Ruder's discriminative fine-tuning divides by
    2.6 per layer; 1 gives every block the same rate), in "features" mode not at all.
    torch.optim.Adam with one param group per block, head first (the lr the Trainer logs).
    """
    from profond.train.torch_learner import TorchLearner

    check_choice("--mode", mode, MODES)
    check_positive("--lr", lr)
    check_positive("--backbone-lr-mult", backbone_lr_mult)
    check_positive("--layer-decay", layer_decay)
    check_int("num_classes", num_classes, minimum=1)
    if mode == "features" and schedule not in ("all", "none"):
        raise ValueError(f"--unfreeze-schedule: expected none with --mode features (the backbone "
                         f"stays frozen); got {schedule!r}")
    head = replace_head(model, num_classes)
    blocks = backbone_blocks(model)
    counts = unfreeze_counts("none" if mode == "features" else schedule, len(blocks))
    groups = [{"params": list(head.parameters()), "lr": lr}]
    if mode == "full":  # top block first, each a layer_decay below the one above it
        groups += [{"params": list(block.parameters(recurse=False)),
                    "lr": lr * backbone_lr_mult / layer_decay ** depth}
                   for depth, block in enumerate(reversed(blocks))]
    optimizer = torch.optim.Adam(groups, lr=lr, weight_decay=weight_decay)
    learner = TorchLearner(model, None, optimizer, task=task, input_shape=input_shape)
    return learner, [GradualUnfreezing(blocks, counts)]


def subset(X: np.ndarray, y: np.ndarray, classes=None, per_class: int | None = None,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Keep the examples of `classes` (relabelled 0..k-1 in that order), at most `per_class` of
    each (a seeded draw); classes=None keeps every class."""
    classes = np.unique(y) if classes is None else np.asarray(list(classes))
    rng = np.random.default_rng(seed)
    keep = []
    for c in classes:
        idx = np.flatnonzero(y == c)
        if len(idx) == 0:
            raise ValueError(f"--classes: expected labels present in the data; got {c}")
        keep.append(rng.permutation(idx)[:per_class] if per_class is not None else idx)
    idx = np.sort(np.concatenate(keep))
    relabel = {int(c): i for i, c in enumerate(classes)}
    return X[idx], np.array([relabel[int(v)] for v in y[idx]], dtype=np.int64)
