"""Training on several processes: torchrun's environment, DistributedDataParallel, rank-0 I/O.

`torchrun --standalone --nproc-per-node=N -m profond train ...` starts N copies of the command
(`profond train --nproc N` launches exactly that: profond.cli.launch). Each joins the process
group (gloo on CPU, nccl on CUDA) and wraps its learner in `DistributedLearner`: every rank
draws the same seeded permutation in the one Trainer, and each takes its own share of every
global batch (what DistributedSampler with set_epoch gives, batch by batch), DDP averages the
gradients, and metrics are all-reduced. Rank 0 alone writes: the run row, checkpoints, the
progress bar and results.
"""

import gc
import os
import warnings
import weakref
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Context:
    """This process's place in the group, as torchrun's RANK / WORLD_SIZE / LOCAL_RANK say."""

    rank: int
    world_size: int
    local_rank: int
    backend: str


def launched() -> bool:
    """True inside a torchrun worker of a group of more than one process."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def wrap(learner, ctx: Context | None):
    """The learner for this process: itself alone, a DistributedLearner in a group."""
    return learner if ctx is None else DistributedLearner(learner, ctx)


# the learners wrapped in this process, which `leave` unwraps
_MEMBERS: "weakref.WeakSet[DistributedLearner]" = weakref.WeakSet()


def init_from_env() -> Context | None:
    """Join torchrun's process group (once); None for a lone process. On CUDA each process takes
    the GPU of its LOCAL_RANK before any model is built, so "cuda" means its own device.
    Every caller ends with `leave`, while the interpreter is whole."""
    if not launched():
        return None
    import torch
    import torch.distributed as dist

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend)
    return Context(dist.get_rank(), dist.get_world_size(), local_rank, backend)


def leave(ctx: Context | None) -> None:
    """Unwrap this process's DDP models, wait for every rank, and destroy the process group, so
    that its backend's threads are joined before the interpreter finalizes.

    Left to interpreter exit (atexit), `destroy_process_group` only dropped the group from the
    registry: each DistributedDataParallel's reducer still held the group, so gloo's worker
    threads outlived it, and the group died during finalization. A worker that then released
    a tensor had to take the GIL; CPython ends such a thread with pthread_exit, whose forced
    unwinding through gloo's noexcept frames calls std::terminate: "terminate called without
    an active exception", about once in 30 runs, at rank 1 (which exits first).
    """
    import torch.distributed as dist

    if ctx is None or not dist.is_initialized():
        return
    for learner in list(_MEMBERS):
        learner.unwrap()
    gc.collect()  # DDP's hooks form reference cycles: free the reducers now
    try:
        dist.barrier()
    finally:
        dist.destroy_process_group()


class DistributedLearner:
    """A TorchLearner on one rank of a group: same protocol (protocol.py), shared work.

    train_batch(idx) takes this rank's contiguous share of the global batch `idx`; its loss is
    weighted by share size x world size / batch size, so DDP's mean of the gradients equals the
    gradient of the global batch's mean loss, as one process would compute it. A batch smaller
    than the group is run whole by every rank (equal gradients average to themselves).
    Mirrors torch.nn.parallel.DistributedDataParallel with torch.utils.data.DistributedSampler.
    """

    def __init__(self, learner, ctx: Context):
        import torch
        from torch.nn.parallel import DistributedDataParallel

        self.inner, self.ctx = learner, ctx
        self._forward, self._loss_fn = learner.forward, learner.loss_fn
        device = learner.device
        # "cuda" without an index is the current device: the one init_from_env set for this rank
        device_ids = ([device.index if device.index is not None else torch.cuda.current_device()]
                      if device.type == "cuda" else None)
        # no buffers to broadcast in profond's models; evaluation shards then need no collective.
        # torch 2.13 deprecates the name, and says to keep it until init_sync_buffers exists.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="`broadcast_buffers` is deprecated",
                                    category=FutureWarning)
            learner.forward = DistributedDataParallel(learner.model, device_ids=device_ids,
                                                      broadcast_buffers=False)
        self.loss = _ScaledLoss(learner.loss_fn)
        learner.loss_fn = self.loss
        _MEMBERS.add(self)

    def unwrap(self) -> None:
        """Give the learner back its own forward and loss: the DDP wrapper, and the process
        group its reducer holds, can then be freed."""
        self.inner.forward, self.inner.loss_fn = self._forward, self._loss_fn

    def __getattr__(self, name):  # model, device, task, predict, state_dict, ...: the learner's
        return getattr(self.inner, name)

    @property
    def lr(self) -> float:
        return self.inner.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.inner.lr = value

    def train_batch(self, data, idx: np.ndarray) -> float:
        """One synchronised step on the global batch `idx`; returns the global batch's loss."""
        n, world = len(idx), self.ctx.world_size
        local = np.array_split(idx, world)[self.ctx.rank] if n >= world else idx
        self.loss.scale = len(local) * world / n if n >= world else 1.0
        try:
            loss = self.inner.train_batch(data, local) / self.loss.scale
        finally:
            self.loss.scale = 1.0
        weight = len(local) if n >= world else len(local) / world
        total, count = self._sum([loss * weight, weight])
        return total / count

    def evaluate(self, data) -> dict[str, float]:
        """Metrics over the whole split: each rank evaluates a slice, the sums are all-reduced."""
        from profond.train.torch_learner import Split

        n, rank, world = len(data), self.ctx.rank, self.ctx.world_size
        lo, hi = rank * n // world, (rank + 1) * n // world
        part = self.inner.evaluate(Split(data.X[lo:hi], data.y[lo:hi], data.on_device)) \
            if hi > lo else {"loss": 0.0, "acc": 0.0}
        keys = ["loss"] + (["acc"] if self.inner.task == "classification" else [])
        sums = self._sum([part[k] * (hi - lo) for k in keys])
        return {k: s / n for k, s in zip(keys, sums, strict=True)}

    def _sum(self, values: list[float]) -> list[float]:
        import torch
        import torch.distributed as dist

        device = self.inner.device if self.ctx.backend == "nccl" else "cpu"
        tensor = torch.tensor(values, dtype=torch.float64, device=device)
        dist.all_reduce(tensor)
        return tensor.tolist()


class _ScaledLoss:
    """loss_fn(out, y) * scale: the weight of this rank's share in the global batch's mean."""

    def __init__(self, loss_fn):
        self.loss_fn, self.scale = loss_fn, 1.0

    def __call__(self, out, y):
        loss = self.loss_fn(out, y)
        return loss * self.scale if self.scale != 1.0 else loss


def follow(learner: DistributedLearner, splits: dict, config, run=None) -> None:
    """What ranks other than 0 do: the same Trainer, batches and collectives as rank 0, without
    the run store, the progress bar or any file; then the test evaluation (a collective too).
    `run` is the run being resumed, if any: its last checkpoint is read, never written."""
    from profond.train.checkpoint import has_checkpoint
    from profond.train.trainer import Trainer

    initial_epoch = 0
    if run is not None and has_checkpoint(run.checkpoint_dir):
        from profond.train.checkpoint import load_checkpoint
        from profond.train.recording import pop_rng_states

        state, meta = load_checkpoint(run.checkpoint_dir)
        pop_rng_states(state)  # rank 0 restores the generators; followers take no draws of theirs
        learner.load_state_dict(state)
        initial_epoch = meta["epoch"]
    from profond.train.callbacks import TrainingDiverged

    try:
        from profond.train.recipe import callbacks_for

        Trainer(config.epochs, config.batch_size, seed=config.seed, eval_train=config.eval_train,
                callbacks=callbacks_for(config)).fit(learner, splits["train"],
                                                     val=splits.get("val"),
                                                     initial_epoch=initial_epoch)
    except TrainingDiverged:
        return  # every rank sees the same all-reduced loss: rank 0 reports it and records the run
    learner.evaluate(learner.prepare(*splits["test"]))
