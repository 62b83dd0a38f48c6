"""The playground network on the scratch engine: TFP's training step, losses and heatmaps.

One "step" is TFP's: one epoch over the training set in mini-batches of `batch_size`, run by the
one Trainer (the Playground is a Learner). Binary classification keeps TFP's tanh output, labels
±1 and loss ½(ŷ − t)²; "softmax" uses softmax + cross-entropy over k classes; regression has a
linear output and the same ½(ŷ − t)² loss.
"""

import time

import numpy as np

from profond.lab.errors import LabError
from profond.lab.labdata import LabData
from profond.lab.schema import Config
from profond.scratch.functional.activations import softmax_forward
from profond.scratch.learner import ScratchLearner
from profond.train.trainer import Trainer

DOMAIN = 6.0
HEATMAP = 100  # TFP's DENSITY: the output heatmap is 100 x 100 over [-6, 6]²
THUMB = 20
# the optimizer's per-parameter buffers (optim.py's state names) that the compiled epoch carries
BUFFERS = {"momentum": ("momentum_buffer",), "adagrad": ("sum",), "adam": ("exp_avg", "exp_avg_sq")}


def grid(n: int) -> np.ndarray:
    """(n*n, 2) points, row-major, top row at x2 = +6 as drawn on screen."""
    xs = np.linspace(-DOMAIN, DOMAIN, n, dtype=np.float32)
    x1, x2 = np.meshgrid(xs, xs[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


class Playground(ScratchLearner):
    """A feed-forward net features -> hidden layers -> output, trained one epoch per `step`.

    It is the Learner (prepare, train_batch, evaluate, predict, state_dict) that its own unbounded
    Trainer drives; `step` asks the Trainer for one more epoch, as the CLI's `fit` asks for all.
    """

    def __init__(self, cfg: Config, data: LabData, init_seed: int, fast: bool = True):
        from profond.data.features import feature_map
        from profond.scratch import nn

        self.cfg, self.data = cfg, data
        # the compiled epoch (fast.py) runs the same step; dropout's masks need the engine
        self.fast = fast and cfg.dropout == 0
        self.classify = cfg.problem == "classification"
        self.softmax = self.classify and (cfg.output == "softmax" or data.n_classes > 2)
        self.n_out = data.n_classes if self.softmax else 1
        self._features = lambda X: feature_map(X, cfg.features)
        self.F_train, self.F_test = self._features(data.X_train), self._features(data.X_test)
        self.rng = np.random.default_rng(init_seed)
        model, self.linears = self._build(init_seed)
        self._sizes = np.array([len(cfg.features), *cfg.hidden, self.n_out], dtype=np.int64)
        self._ce, self._mse = nn.CrossEntropyLoss(), nn.MSELoss()
        super().__init__(model, self._ce if self.softmax else self._mse, self._optimizer(model),
                         task="classification" if self.classify else "regression")
        self._grid = np.vstack([grid(HEATMAP), grid(THUMB)])
        self._grid_features = self._features(self._grid)
        # its own stream (seed + 1): the shuffles must not replay the init's uniform draws
        self.trainer = Trainer(None, cfg.batch_size, seed=init_seed + 1, eval_train=False,
                               stop_on_divergence=False)
        self._epochs = self._resume(0)

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    def _build(self, init_seed: int):
        from profond.scratch import init, nn
        from profond.scratch.models import ACTIVATIONS
        from profond.scratch.rng import manual_seed

        cfg = self.cfg
        sizes = [len(cfg.features), *cfg.hidden, self.n_out]
        modules, linears = [], []
        manual_seed(init_seed)
        for i in range(len(sizes) - 1):
            # float64: the compiled epoch matches it to 1e-6 after 100 epochs (tests)
            linear = nn.Linear(sizes[i], sizes[i + 1], dtype=np.float64)
            self._init(linear, init)
            modules.append(linear)
            linears.append(linear)
            last = i == len(sizes) - 2
            if not last:
                modules.append(ACTIVATIONS[cfg.activation]())
                if cfg.dropout > 0:
                    modules.append(nn.Dropout(cfg.dropout))
            elif self.classify and not self.softmax:
                modules.append(nn.Tanh())
        return nn.Sequential(*modules), linears

    def _init(self, linear, init) -> None:
        kind = self.cfg.init
        if kind == "tfp":  # nn.ts: weight = Math.random() - 0.5, bias = 0.1
            linear.weight.data[...] = self.rng.uniform(-0.5, 0.5, linear.weight.shape)
        elif kind == "zeros":
            linear.weight.data[...] = 0.0
        elif kind == "xavier":
            init.xavier_uniform_(linear.weight)
        else:
            init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        linear.bias.data[...] = 0.1 if kind in ("tfp", "zeros") else 0.0

    def _optimizer(self, model):
        from profond.scratch import optim
        from profond.train.recipe import OPTIMIZERS

        name, extra = OPTIMIZERS[self.cfg.optimizer]
        return getattr(optim, name)(model.parameters(), lr=self.cfg.lr, **extra)

    def set_live(self, cfg: Config) -> None:
        """Apply the settings TFP changes without a reset: the learning rate (and max_epochs)."""
        self.cfg = cfg
        self.lr = cfg.lr

    def _loss_grad(self, out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss over the batch and d loss / d out."""
        if self.softmax:
            loss = self._ce(out, y)
            return loss, self._ce.backward()
        target = (2.0 * y - 1.0 if self.classify else y).reshape(-1, 1).astype(np.float32)
        loss = 0.5 * self._mse(out, target)  # TFP's ½(ŷ − t)², averaged over the batch
        return loss, self._mse.backward(0.5)

    def step(self) -> None:
        """One epoch over the shuffled training set in mini-batches (TFP's oneStep)."""
        if len(self.data.y_train) == 0:
            raise LabError("points", "no_training_point")
        try:
            next(self._epochs)
        except Exception:
            # an exception ends a generator: the next step resumes after the last whole epoch
            self._epochs = self._resume(self.trainer.epoch - 1)
            raise

    def train(self, epochs: int, seconds: float = 0.0) -> None:
        """Up to `epochs` steps, stopping early once `seconds` have passed (0: no time limit)."""
        deadline = time.perf_counter() + seconds
        for _ in range(epochs):
            self.step()
            if seconds and time.perf_counter() >= deadline:
                return

    def _resume(self, epoch: int):
        return self.trainer.epochs(self, (self.data.X_train, self.data.y_train),
                                   initial_epoch=epoch)

    # -- the Learner protocol --------------------------------------------------------------
    def prepare(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return super().prepare(self._features(X), y)

    def train_batch(self, data: tuple[np.ndarray, np.ndarray], idx: np.ndarray) -> float:
        F, y = data
        loss, dout = self._loss_grad(self.model(F[idx]), y[idx])
        self.optimizer.zero_grad()
        self.model.backward(dout)
        self._update()
        return loss

    def train_epoch(self, data: tuple[np.ndarray, np.ndarray], order: np.ndarray,
                    batch_size: int) -> float | None:
        """The Trainer's whole epoch, compiled (fast.py); None when only the engine can."""
        if not self.fast:
            return None
        from profond.lab import fast

        F, y = data
        target = 2.0 * y - 1.0 if self.classify and not self.softmax else y
        theta, is_weight = self._flat()
        s1, s2, t = self._flat_state()
        cfg = self.cfg
        out = (fast.OUT_SOFTMAX if self.softmax else fast.OUT_TANH if self.classify
               else fast.OUT_LINEAR)
        rate = cfg.reg_rate if cfg.regularization != "none" else 0.0
        loss, t = fast.train_epoch(
            np.asarray(F, np.float64), np.asarray(target, np.float64), order, batch_size,
            self._sizes, theta, is_weight, s1, s2, t, float(self.lr),
            fast.ACTIVATIONS[cfg.activation], out, fast.OPTIMIZERS[cfg.optimizer],
            fast.REGULARIZATIONS[cfg.regularization], float(rate))
        self._unflat(theta, s1, s2, t)
        return loss

    def _flat(self) -> tuple[np.ndarray, np.ndarray]:
        """Every Linear's W (row-major) then b, layer after layer, and which entries are weights."""
        parts = [a for lin in self.linears for a in (lin.weight.data.ravel(), lin.bias.data)]
        flags = [np.full(a.size, i % 2 == 0) for i, a in enumerate(parts)]
        return np.concatenate(parts), np.concatenate(flags)

    def _flat_state(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The optimizer's buffers laid out as `_flat`, zeros before its first step, and t."""
        names = BUFFERS.get(self.cfg.optimizer, ())
        states = self.optimizer.state
        flat = [np.concatenate([np.ravel(s.get(name, np.zeros(p.data.shape)))
                                for p, s in zip(self.optimizer.params, states, strict=True)])
                for name in names]
        flat += [np.zeros(0)] * (2 - len(flat))
        return flat[0], flat[1], int(states[0].get("step", 0))

    def _unflat(self, theta: np.ndarray, s1: np.ndarray, s2: np.ndarray, t: int) -> None:
        """Put the compiled epoch's weights and optimizer buffers back where the engine has them."""
        names = BUFFERS.get(self.cfg.optimizer, ())
        start = 0
        for p, state in zip(self.optimizer.params, self.optimizer.state, strict=True):
            end = start + p.data.size
            p.data[...] = theta[start:end].reshape(p.data.shape)
            for name, flat in zip(names, (s1, s2), strict=False):
                state[name] = flat[start:end].reshape(p.data.shape).copy()
            if self.cfg.optimizer in ("adagrad", "adam"):
                state["step"] = np.asarray(t, dtype=np.int64)
            start = end

    def evaluate(self, data: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
        """TFP's loss (and accuracy) on a prepared split; a diverged loss reads nan."""
        metrics = self.metrics(*data)
        return {k: float("nan") if v is None else v for k, v in metrics.items()
                if k in ("loss", "acc")}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (N, C) for raw points (tanh's ŷ read as 2p − 1), else values."""
        with self.evaluating():
            out = self.model(self._features(np.asarray(X, dtype=np.float32)))
        if self.softmax:
            return softmax_forward(out)[0]
        if self.classify:
            p1 = (np.clip(out[:, 0], -1, 1) + 1) / 2
            return np.column_stack([1 - p1, p1])
        return out

    def _update(self) -> None:
        """Add the penalty's gradient to the weights (never biases), step, and for L1 zero the
        weights whose sign flipped, as nn.ts does, so that L1 really prunes links."""
        kind, rate = self.cfg.regularization, self.cfg.reg_rate
        before = [lin.weight.data.copy() for lin in self.linears] if kind == "L1" else []
        if kind != "none" and rate > 0:
            for lin in self.linears:
                w = lin.weight
                w.grad += rate * (np.sign(w.data) if kind == "L1" else w.data)
        self.optimizer.step()
        for lin, old in zip(self.linears, before, strict=False):
            flipped = (old * lin.weight.data) < 0
            lin.weight.data[flipped] = 0.0

    def metrics(self, F: np.ndarray, y: np.ndarray) -> dict:
        """Loss (and accuracy, confusion matrix for classification) on one split, in eval mode."""
        if len(y) == 0:
            return {"loss": None}
        with self.evaluating():
            out = self.model(F)
        loss, _ = self._loss_grad(out, y)
        result = {"loss": loss if np.isfinite(loss) else None}
        if self.classify:
            pred = out.argmax(axis=1) if self.softmax else (out[:, 0] > 0).astype(np.int64)
            k = max(self.n_out, 2)
            result["acc"] = float((pred == y).mean())
            result["confusion"] = np.bincount(y * k + pred, minlength=k * k).reshape(k, k).tolist()
        return result

    def activations(self) -> list[np.ndarray]:
        """Every node's value over the heatmap grids: [features, hidden layers..., output]."""
        from profond.scratch.functional.dense import linear_forward

        x = self._grid_features
        layers = [x]
        mods = self.model._modules
        with self.evaluating():
            for i, module in enumerate(mods):
                # in float32: 8-bit pixels need no more, and NumPy's float32 tanh is 5x faster
                x = (linear_forward(x, module.weight.data.astype(np.float32),
                                    module.bias.data.astype(np.float32))[0]
                     if module in self.linears else module(x))
                # a layer's output is what the next Linear reads (eval-mode Dropout is identity)
                if i + 1 == len(mods) or type(mods[i + 1]).__name__ == "Linear":
                    layers.append(x)
        return layers

    def output_map(self, out: np.ndarray) -> tuple[str, np.ndarray]:
        """The output heatmap as (kind, values): "signed" in [-1, 1] or "classes" (class, prob)."""
        out = out[: HEATMAP * HEATMAP]
        if not self.softmax:
            return "signed", np.clip(out[:, 0], -1, 1)
        p = softmax_forward(out)[0]
        if self.n_out == 2:
            return "signed", p[:, 1] - p[:, 0]
        return "classes", np.column_stack([p.argmax(axis=1), p.max(axis=1)])

    def params(self) -> dict:
        """Weights (out, in) and biases per layer, rounded for the wire."""
        return {"weights": [np.round(lin.weight.data.astype(np.float64), 4).tolist()
                            for lin in self.linears],
                "biases": [np.round(lin.bias.data.astype(np.float64), 4).tolist()
                           for lin in self.linears]}

    def edit(self, layer: int, node: int, source: int | None, value: float) -> None:
        """Set weight W[layer-1][node, source] or bias b[layer-1][node]; layer 0 is the inputs."""
        if layer > len(self.linears):
            raise LabError("layer", "index_range", min=1, max=len(self.linears), got=layer)
        lin = self.linears[layer - 1]
        n_out, n_in = lin.weight.shape
        if node >= n_out:
            raise LabError("node", "index_range", min=0, max=n_out - 1, got=node)
        if source is None:
            lin.bias.data[node] = value
        elif source >= n_in:
            if not n_in:
                raise LabError("source", "no_inputs", got=source)
            raise LabError("source", "index_range", min=0, max=n_in - 1, got=source)
        else:
            lin.weight.data[node, source] = value
