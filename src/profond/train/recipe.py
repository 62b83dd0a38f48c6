"""The training recipe: from a `TrainConfig` to a trained, tested and recorded model.

Every entry point (`profond train`, tune, finetune, viz, the benchmarks, the experiments, the lab's
CNN page) makes a config and calls this module; it is the one place that turns names into data,
a model, an optimizer and a learner:

    config = TrainConfig("mnist1d-cnn", data="mnist1d")   # the model's recipe fills the rest
    result = train(config)                                # a run in the store, tested once
    result.final["test_acc"]

The steps are public too, for callers that need one of them: `resolve`, `load_splits`,
`build_learner`, `fit_and_test`, `write_run`.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from profond.train.config import TrainConfig
from profond.train.recipes import recipe_for

# Below this many floating-point operations per optimizer step (forward and backward, counted by
# torch's FlopCounterMode), a second thread costs more in synchronisation than it saves; on a
# busy machine every size loses (bench/threads_by_size.py: at load 12 on 2 cores, two threads
# took 25x longer on the MNIST-1D CNN and 1.65x on an 8-GFLOP MLP step).
ONE_THREAD_FLOPS = 1e9


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during `train`: the run was recorded as interrupted and can be resumed."""

    def __init__(self, run_id: str):
        super().__init__(run_id)
        self.run_id = run_id


@dataclass
class Result:
    """What `train` returns: the resolved config, the run, the learner, history, final metrics."""

    config: TrainConfig
    run: object
    learner: object
    history: object
    final: dict
    outputs: dict


def resolve(config: TrainConfig) -> TrainConfig:
    """`config` checked, with every field left at None taken from the model's recipe."""
    config.check()
    recipe = recipe_for(config.model, config.data)
    if config.engine == "scratch":
        recipe["augment"] = ""  # per-batch augmentation is torch's
    return config.replace(**{k: v for k, v in recipe.items() if getattr(config, k) is None})


def load_splits(data: str, val_fraction: float, seed: int):
    """({"train", "val" (when val_fraction > 0), "test"}: (X, y) with X flattened and standardised
    on the train part, the dataset)."""
    from profond.data import load
    from profond.data.split import Standardizer, train_val_split

    dataset = load(data)
    X_train, X_test = _flat(dataset.X_train), _flat(dataset.X_test)
    y_train, y_test = dataset.y_train, dataset.y_test
    if dataset.task == "regression":
        y_train, y_test = y_train.reshape(len(y_train), -1), y_test.reshape(len(y_test), -1)
    splits = {}
    if val_fraction > 0:
        X_train, X_val, y_train, y_val = train_val_split(X_train, y_train, val_fraction, seed)
        splits["val"] = (X_val, y_val)
    scaler = Standardizer().fit(X_train)
    splits = {k: (scaler.transform(X), y) for k, (X, y) in
              {"train": (X_train, y_train), **splits, "test": (X_test, y_test)}.items()}
    return splits, dataset


def n_outputs(dataset, splits: dict) -> int:
    """Classes for classification, target width for regression."""
    return len(dataset.classes) if dataset.task == "classification" else \
        splits["train"][1].shape[1]


def build_learner(config: TrainConfig, input_shape: tuple[int, ...], outputs: int, task: str):
    """The resolved `config`'s model, loss and optimizer on its engine, as a Learner."""
    check_memory(config, int(np.prod(input_shape)), outputs)
    return ENGINES[config.engine](config, tuple(input_shape), outputs, task)


def check_memory(config: TrainConfig, inputs: int, outputs: int) -> None:
    """ValueError naming --hidden when the mlp would not fit in the memory this machine has
    available: its weights, gradients and two Adam moments (4 float32 copies of its parameters)
    and, per example of a batch, each hidden unit's input, output and gradient (3 float32)."""
    if config.model != "mlp" or not config.hidden:
        return
    sizes = [inputs, *config.hidden, outputs]
    params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))
    needed = 16 * params + 12 * (config.batch_size or 1) * sum(config.hidden)
    available = available_memory()
    if needed > available:
        raise ValueError(f"--hidden: expected layers that fit in memory ({params:,} parameters "
                         f"and a batch's activations need {needed / 2**30:,.1f} GiB; "
                         f"{available / 2**30:,.1f} GiB available); got "
                         f"{','.join(map(str, config.hidden))}")


def available_memory() -> int:
    """Bytes this machine can still give (MemAvailable in /proc/meminfo, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def model_options(config: TrainConfig) -> dict:
    """`create_model` options of the config's model (the MLP's sizes, activation, ...)."""
    if config.model != "mlp":
        return {}
    return {"hidden": config.hidden, "activation": config.activation, "dropout": config.dropout,
            "residual": config.residual}


# profond.names.OPTIMIZERS as (class name, extra arguments): torch.optim and profond.scratch.optim
# share the class names and signatures
OPTIMIZERS = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}),
              "adagrad": ("Adagrad", {}), "adam": ("Adam", {})}


def make_optimizer(module, config: TrainConfig, params):
    """`config.optimizer` from `module` (torch.optim or profond.scratch.optim) over `params`."""
    name, extra = OPTIMIZERS[config.optimizer]
    return getattr(module, name)(params, lr=config.lr, weight_decay=config.weight_decay, **extra)


def _torch_learner(config: TrainConfig, shape, outputs: int, task: str):
    import torch

    from profond.data.augment import augmentation
    from profond.models import create_model
    from profond.train.torch_learner import TorchLearner, seed_everything

    seed_everything(config.seed)
    model = create_model(config.model, shape, outputs, **model_options(config))
    optimizer = make_optimizer(torch.optim, config, model.parameters())
    return TorchLearner(model, None, optimizer, task=task, input_shape=shape,
                        device=config.device, amp=config.amp, compile=config.compile,
                        augment=augmentation(config.augment, shape), balanced=config.balanced)


def _scratch_learner(config: TrainConfig, shape, outputs: int, task: str):
    """The white-box twin of the torch model (profond.scratch.models, same class and keys)."""
    from profond.scratch import manual_seed, nn, optim
    from profond.scratch.learner import ScratchLearner
    from profond.scratch.models import create_model

    manual_seed(config.seed)
    model = create_model(config.model, shape, outputs, **model_options(config))
    optimizer = make_optimizer(optim, config, model.parameters())
    loss = nn.CrossEntropyLoss() if task == "classification" else nn.MSELoss()
    return ScratchLearner(model, loss, optimizer, task=task)


# the engines of profond.names.ENGINES
ENGINES = {"torch": _torch_learner, "scratch": _scratch_learner}


def choose_threads(learner, batch_size: int, example: np.ndarray) -> int:
    """torch threads for a TorchLearner: one below ONE_THREAD_FLOPS per step, else one per core
    this process may use."""
    import os

    return 1 if step_flops(learner, batch_size, example) < ONE_THREAD_FLOPS else \
        len(os.sched_getaffinity(0))


def step_flops(learner, batch_size: int, example: np.ndarray) -> float:
    """Floating-point operations of one optimizer step (forward + backward) on `batch_size`
    copies of `example`, counted by torch.utils.flop_counter (no step is taken)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.from_numpy(np.repeat(example[None], batch_size, 0).astype(np.float32))
    if learner.input_shape is not None:
        x = x.reshape(batch_size, *learner.input_shape)
    model = learner.model
    with FlopCounterMode(display=False) as counter:
        model(x.to(learner.device)).float().sum().backward()
    model.zero_grad(set_to_none=True)
    return float(counter.get_total_flops())


def set_threads(n: int) -> None:
    """torch.set_num_threads(n), for n > 0."""
    if n > 0:
        import torch

        torch.set_num_threads(n)


def callbacks_for(config: TrainConfig) -> list:
    """The learning-rate schedule's callbacks."""
    if config.schedule == "onecycle":
        from profond.train.callbacks import OneCycle

        return [OneCycle(config.lr)]
    return []


def fit_and_test(learner, splits: dict, config: TrainConfig, run, callbacks=()):
    """Train with the one Trainer, recording every epoch and checkpoint in `run` (a resumed run
    restarts after its last complete checkpoint, with the epochs it covers); test once at the end.
    Returns (final, history).

    Raises TrainingDiverged or KeyboardInterrupt after recording the run as failed or interrupted.
    """
    from profond.train.history import History
    from profond.train.recording import RunRecorder, guard, restore
    from profond.train.trainer import Trainer

    initial_epoch = restore(run, learner)
    trainer = Trainer(config.epochs, config.batch_size, seed=config.seed,
                      eval_train=config.eval_train,
                      callbacks=[*callbacks_for(config), *callbacks,
                                 RunRecorder(run, energy=config.energy)])
    start = time.perf_counter()
    with guard(run, learner):
        trainer.fit(learner, splits["train"], val=splits.get("val"), initial_epoch=initial_epoch)
    history = History()
    for logs in run.record["epochs"]:  # with the epochs done before a resume
        history.append(logs)
    seconds = time.perf_counter() - start
    test = learner.evaluate(learner.prepare(*splits["test"]))
    final = {"test_acc": test.get("acc"), "test_loss": test["loss"], "epochs": len(history),
             "seconds": round(seconds, 3)}
    final.update(run.energy)
    return final, history


def write_run(run, learner, history, final: dict, test: tuple, classes) -> dict:
    """The run's files (curves, confusion matrix, final.json), listed as its artifacts; the run
    is marked finished with `final`."""
    from profond.train.report import write_outputs

    X_test, y_test = test
    y_pred = learner.predict(X_test).argmax(axis=1) if classes else None
    written = write_outputs(run.folder, history, final, y_test, y_pred, classes)
    for name, path in written.items():
        run.add_artifact(name, path)
    run.finish("finished", final)
    return written


def prepare(config: TrainConfig, splits: dict | None = None):
    """(the resolved config, its learner, splits, dataset): everything `fit` and `train` need,
    torch's threads set (a config left at threads=None records the number chosen). `splits`
    ({"train", "val"?, "test"?}: (X, y)) replaces the standardised ones `load_splits` makes."""
    from profond.data import load

    config = resolve(config)
    if splits is None:
        splits, dataset = load_splits(config.data, config.val_fraction, config.seed)
    else:
        dataset = load(config.data)
    learner = build_learner(config, dataset.input_shape or (splits["train"][0].shape[1],),
                            n_outputs(dataset, splits), dataset.task)
    if config.threads is None:  # 0: torch's default; the scratch engine's NumPy is left alone
        config = config.replace(threads=0 if config.engine != "torch" else choose_threads(
            learner, config.batch_size, splits["train"][0][0]))
    set_threads(config.threads)
    return config, learner, splits, dataset


def fit(config: TrainConfig, callbacks=(), splits: dict | None = None):
    """Train `config` without recording a run (what experiments and the lab do), on `splits`
    when given (see `prepare`); returns (resolved config, learner, history, splits)."""
    from profond.train.trainer import Trainer

    config, learner, splits, _ = prepare(config, splits)
    trainer = Trainer(config.epochs, config.batch_size, seed=config.seed,
                      eval_train=config.eval_train,
                      callbacks=[*callbacks_for(config), *callbacks])
    history = trainer.fit(learner, splits["train"], val=splits.get("val"))
    return config, learner, history, splits


def train(config: TrainConfig, *, run=None, out: Path | None = None, run_id: str | None = None,
          callbacks=(), ctx=None) -> Result | None:
    """Resolve `config`, build data and learner, fit, test and record a run: a new one (id
    `run_id` or a fresh one, folder `out` or the store's folder of that id), or `run` to resume.
    `ctx` is this process's place in a torchrun group: ranks other than 0 train alongside rank 0
    and return None (rank 0 alone records and writes)."""
    from profond.train import distributed

    config, learner, splits, dataset = prepare(config)
    learner = distributed.wrap(learner, ctx)
    if ctx is not None and ctx.rank:
        distributed.follow(learner, splits, config, run)
        return None
    if run is None:
        from profond.train.runs import RunStore, new_run_id

        run_id = run_id or new_run_id(config.model, config.data, config.engine,
                                      f"s{config.seed}")
        run = RunStore().create(config.to_dict(), run_id, folder=out)
    else:
        run.lock()  # a second `--resume` of a run that still trains stops here
    try:
        final, history = fit_and_test(learner, splits, config, run, callbacks)
    except KeyboardInterrupt:
        raise RunInterrupted(run.id) from None
    final = {"run_id": run.id, **final, "engine": config.engine, "model": config.model,
             "data": config.data}
    outputs = write_run(run, learner, history, final, splits["test"], dataset.classes)
    return Result(config, run, learner, history, final, outputs)


def resumable(run_id: str):
    """(the run, its config) for `--resume`: an unfinished run of the store, by id or prefix."""
    from profond.train.runs import RunStore

    run = RunStore().open(run_id)
    if run.record["status"] == "finished":
        raise ValueError(f"--resume: expected an unfinished run; {run_id!r} is finished")
    return run, TrainConfig.from_dict(run.config)


def fit_model(model, train: tuple[np.ndarray, np.ndarray], val=None, *, epochs: int,
              lr: float = 1e-3, batch_size: int = 64, weight_decay: float = 0.0, augment=None,
              seed: int = 0, task: str = "classification", loss_fn=None,
              eval_train: bool = True, callbacks=()):
    """Adam(lr, weight_decay) on a model the caller built, for `epochs` on `train` = (X, y), on
    the CPU: the experiments' recipe for their own networks. Returns (learner, history).

    Mirrors a torch.optim.Adam loop; `augment` is a profond.data.augment transform per batch.
    """
    import torch

    from profond.train.torch_learner import TorchLearner, seed_everything
    from profond.train.trainer import Trainer

    seed_everything(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    learner = TorchLearner(model, loss_fn, optimizer, device="cpu", task=task, augment=augment)
    trainer = Trainer(epochs, batch_size, seed=seed, eval_train=eval_train, callbacks=callbacks)
    history = trainer.fit(learner, train, val)
    return learner, history


def accuracy(learner, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of argmax predictions equal to y."""
    return float((learner.predict(X).argmax(1) == y).mean())


def _flat(X):
    return X.reshape(len(X), -1)
