"""What leaves the lab: the trained model (safetensors + JSON, zipped), a runnable PyTorch
script, and the dataset thumbnails of the data column."""

import base64
import io
import json
import zipfile
from functools import cache

import numpy as np

from profond.lab.engine import Playground
from profond.lab.schema import CLASSIFY_DATASETS, REGRESS_DATASETS
from profond.scratch.models import ACTIVATIONS
from profond.train.recipe import OPTIMIZERS

FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2",
                "x1*x2": "x1 * x2", "sin(x1)": "torch.sin(x1)", "sin(x2)": "torch.sin(x2)"}


@cache
def thumbnails() -> dict:
    """Up to 200 noiseless points per built-in dataset as [x1, x2, label] rows (thumbnails)."""
    from profond.data import toy2d

    out = {}
    for name in (*CLASSIFY_DATASETS, *REGRESS_DATASETS):
        if name == "custom":
            continue
        X, y = toy2d.generate(name, noise=0.0, seed=0, n_classes=3 if name in ("blobs", "spirals")
                              else None)
        pick = np.random.default_rng(0).permutation(len(X))[:200]
        out[name] = np.round(np.column_stack([X[pick], y[pick]]).astype(np.float64), 2).tolist()
    return out


def export(pg: Playground, fmt: str) -> dict:
    """{"filename", "mime", "data" (base64)} for the browser to download."""
    if fmt == "safetensors":
        data, name, mime = model_zip(pg), "profond-model.zip", "application/zip"
    else:
        data, name, mime = torch_script(pg).encode(), "profond_model.py", "text/x-python"
    return {"filename": name, "mime": mime, "data": base64.b64encode(data).decode()}


def state_tensors(pg: Playground) -> dict[str, np.ndarray]:
    """The network's parameters under torch.nn.Sequential's names ("0.weight", "0.bias", ...)."""
    return {name: np.ascontiguousarray(p.data, dtype=np.float32)
            for name, p in pg.model.named_parameters()}


def model_zip(pg: Playground) -> bytes:
    """A zip with model.safetensors (weights) and config.json (everything needed to rebuild)."""
    from safetensors.numpy import save

    config = {**pg.cfg.model_dump(), "epoch": pg.epoch, "n_outputs": pg.n_out,
              "softmax": pg.softmax, "modules": [type(m).__name__ for m in pg.model._modules]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.safetensors", save(state_tensors(pg)))
        zf.writestr("config.json", json.dumps(config, indent=2))
    return buffer.getvalue()


def _module_lines(pg: Playground) -> list[str]:
    cfg = pg.cfg
    sizes = [len(cfg.features), *cfg.hidden, pg.n_out]
    lines = []
    for i in range(len(sizes) - 1):
        lines.append(f"nn.Linear({sizes[i]}, {sizes[i + 1]})")
        if i < len(sizes) - 2:
            # profond.scratch's activation classes bear torch.nn's names
            lines.append(f"nn.{ACTIVATIONS[cfg.activation].__name__}()")
            if cfg.dropout > 0:
                lines.append(f"nn.Dropout({cfg.dropout})")
        elif pg.classify and not pg.softmax:
            lines.append("nn.Tanh()")
    return lines


def _rounded(X: np.ndarray) -> list:
    return np.round(X.astype(np.float64), 4).tolist()


def torch_script(pg: Playground) -> str:
    """A standalone script: the same network with the lab's current weights and data, trained
    with torch by the same rule (one epoch = shuffled mini-batches of batch_size). Weights are
    Python literals, so a diverged network's NaN reads `nan` and the script still runs."""
    cfg, d = pg.cfg, pg.data
    features = ", ".join(FEATURE_CODE[f] for f in cfg.features)
    features = (f"x1, x2 = X[:, 0], X[:, 1]\n    return torch.stack([{features}], dim=1)"
                if cfg.features else NO_FEATURE)
    weights = {k: v.tolist() for k, v in state_tensors(pg).items()}
    y_dtype = "torch.long" if pg.classify else "torch.float32"
    if pg.softmax:
        loss = "F.cross_entropy(out, y)"
    elif pg.classify:
        loss = "0.5 * F.mse_loss(out[:, 0], 2.0 * y - 1.0)  # TFP: targets -1/+1"
    else:
        loss = "0.5 * F.mse_loss(out[:, 0], y)"
    penalty = {"none": "0.0", "L1": f"{cfg.reg_rate} * sum(w.abs().sum() for w in weights)",
               "L2": f"{cfg.reg_rate} * 0.5 * sum((w * w).sum() for w in weights)"}
    modules = ",\n    ".join(_module_lines(pg))
    # as the lab (TFP's nn.ts): after an L1 step, a weight whose sign flipped becomes exactly 0
    prune = ("\n            with torch.no_grad():\n"
             "                for w, old in zip(weights, before):\n"
             "                    w[w * old < 0] = 0.0") if cfg.regularization == "L1" else ""
    keep = ("\n            before = [w.detach().clone() for w in weights]"
            if cfg.regularization == "L1" else "")
    return TEMPLATE.format(prune=prune, keep=keep, quiet="" if cfg.features else QUIET,
        epoch=pg.epoch, dataset=cfg.dataset, seed=cfg.seed, features=features, modules=modules,
        state=repr(weights), X_train=json.dumps(_rounded(d.X_train)),
        y_train=json.dumps(d.y_train.tolist()), X_test=json.dumps(_rounded(d.X_test)),
        y_test=json.dumps(d.y_test.tolist()), y_dtype=y_dtype, loss=loss,
        penalty=penalty[cfg.regularization], batch_size=cfg.batch_size,
        optimizer=_torch_optimizer(cfg.optimizer, cfg.lr))


# every feature switched off (TFP allows it): zero columns, so that each first-layer neuron sees
# only its bias; torch warns that nn.Linear(0, h) has no weight to draw, which is meant here
NO_FEATURE = "return X[:, :0]  # no feature: the network sees only its biases"
QUIET = """import warnings

warnings.filterwarnings("ignore", "Initializing zero-element tensors")  # nn.Linear(0, h)

"""

TEMPLATE = '''"""Exported from the profond lab: dataset {dataset}, seed {seed}, epoch {epoch}.

Rebuilds the same network with the lab's weights and keeps training it with PyTorch.
Run: python profond_model.py [--epochs 100]
"""

import argparse
from math import inf, nan  # noqa: F401  (a diverged network's weights are written as nan, inf)

import torch
import torch.nn.functional as F
from torch import nn


def features(X):
    {features}


{quiet}model = nn.Sequential(
    {modules},
)
model.load_state_dict({{k: torch.tensor(v) for k, v in {state}.items()}})
weights = [m.weight for m in model if isinstance(m, nn.Linear)]

X_train = features(torch.tensor({X_train}, dtype=torch.float32).reshape(-1, 2))
y_train = torch.tensor({y_train}, dtype={y_dtype})
X_test = features(torch.tensor({X_test}, dtype=torch.float32).reshape(-1, 2))
y_test = torch.tensor({y_test}, dtype={y_dtype})


def loss_fn(out, y):
    return {loss}


def evaluate(X, y):
    model.eval()
    with torch.no_grad():
        return loss_fn(model(X), y).item() if len(y) else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default={seed})
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    optimizer = {optimizer}
    print(f"start: train loss {{evaluate(X_train, y_train):.4f}}, "
          f"test loss {{evaluate(X_test, y_test):.4f}}")
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(y_train))
        for start in range(0, len(order), {batch_size}):
            idx = order[start:start + {batch_size}]
            loss = loss_fn(model(X_train[idx]), y_train[idx]) + {penalty}
            optimizer.zero_grad()
            loss.backward(){keep}
            optimizer.step(){prune}
        if epoch % 10 == 0 or epoch == args.epochs:
            print(f"epoch {{epoch}}: train loss {{evaluate(X_train, y_train):.4f}}, "
                  f"test loss {{evaluate(X_test, y_test):.4f}}")


if __name__ == "__main__":
    main()
'''


def _torch_optimizer(name: str, lr: float) -> str:
    """The torch.optim call of the table the trainer uses (profond.train.recipe.OPTIMIZERS)."""
    cls, extra = OPTIMIZERS[name]
    args = "".join(f", {key}={value}" for key, value in extra.items())
    return f"torch.optim.{cls}(model.parameters(), lr={lr}{args})"
