"""Recording a training run into the runs store: the RunRecorder callback (metrics, checkpoints,
TensorBoard events, Ctrl-C), the model's weights, the generators' states, and `restore` / `guard`
around a training block.
"""

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from profond.train import tensorboard
from profond.train.callbacks import Callback, TrainingDiverged
from profond.train.checkpoint import has_checkpoint, load_checkpoint, save_checkpoint, save_weights
from profond.train.runs import Run


class RunRecorder(Callback):
    """Trainer callback: each epoch, log the metrics and checkpoint (learner, torch RNG, epoch).

    With `energy=True` it also measures the training's kWh and CO2e (CodeCarbon, the carbon
    extra) into `run.energy`; off by default, as the meter's sampling thread slows short runs.

    Ctrl-C sets a flag that stops the run at the next batch boundary, so the interrupted state is
    consistent; `guard` then writes the weights, marks the run "interrupted" and exits cleanly.
    A resumed run restarts from the last epoch checkpoint, which an uninterrupted run also passed.
    """

    def __init__(self, run: Run, energy: bool = False):
        from profond.train.energy import emissions_meters

        self.run = run
        self.interrupted = False
        self._previous_handler = None
        self.writer = None
        self.last_logs: dict = {}
        self.meters = emissions_meters() if energy else []

    def on_train_begin(self) -> None:
        for meter in self.meters:
            meter.on_train_begin()
        self.writer = tensorboard.writer(self.run.folder / "tensorboard")
        if threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGINT, self._on_sigint)

    def on_batch_end(self, step: int, loss: float) -> None:
        if self.interrupted:
            raise KeyboardInterrupt

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.run.log_epoch(logs)
        self.last_logs = logs
        if self.writer is not None:
            tensorboard.add_epoch(self.writer, epoch, logs)
        learner = self.trainer.learner
        state = {**learner.state_dict(), **_rng_states()}
        save_checkpoint(self.run.checkpoint_dir, state,
                        {"epoch": epoch, "seed": self.trainer.seed, "lr": float(learner.lr)})
        self.run.add_artifact("checkpoint", self.run.checkpoint_dir)
        save_model(self.run, learner)

    def on_train_end(self) -> None:
        for meter in self.meters:
            meter.on_train_end()
            self.run.energy.update(meter.summary())
        if self.writer is not None:
            tensorboard.add_hparams(self.writer, self.run.config, self.last_logs)
            self.writer.close()
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None

    def _on_sigint(self, signum, frame) -> None:
        if self.interrupted:  # a second Ctrl-C does not wait for the batch to end
            raise KeyboardInterrupt
        self.interrupted = True


def save_model(run: Run, learner) -> Path:
    """The learner's weights alone as `model.safetensors` (what `profond viz` loads)."""
    weights = (learner.model_state() if hasattr(learner, "model_state") else
               {k.removeprefix("model."): v for k, v in learner.state_dict().items()
                if k.startswith("model.")})
    path = save_weights(run.folder / "model.safetensors", weights,
                        {"model": run.config.get("model", "")})
    run.add_artifact("model", path)
    return path


def _rng_states() -> dict[str, np.ndarray]:
    """The generators dropout and augmentation draw from: the scratch engine's ("rng.scratch"),
    torch's CPU one and, when CUDA is in use, every GPU's ("rng.torch", "rng.cuda.<i>")."""
    states = {}
    if "profond.scratch.rng" in sys.modules:
        state = sys.modules["profond.scratch.rng"].generator().bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"]]
        states["rng.scratch"] = np.array(
            [w >> shift & (2**64 - 1) for w in words for shift in (0, 64)]
            + [state["has_uint32"], state["uinteger"]], dtype=np.uint64)
    torch = sys.modules.get("torch")
    if torch is None:
        return states
    states["rng.torch"] = torch.get_rng_state().numpy()
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states.update((f"rng.cuda.{i}", s.numpy())
                      for i, s in enumerate(torch.cuda.get_rng_state_all()))
    return states


def _set_rng_states(rng: dict[str, np.ndarray]) -> None:
    """Put back what `_rng_states` saved."""
    if "rng.scratch" in rng:
        from profond.scratch.rng import generator

        lo, hi, inc_lo, inc_hi, has_uint32, uinteger = (int(w) for w in rng["rng.scratch"])
        generator().bit_generator.state = {
            "bit_generator": "PCG64", "has_uint32": has_uint32, "uinteger": uinteger,
            "state": {"state": lo | hi << 64, "inc": inc_lo | inc_hi << 64}}
    if "rng.torch" in rng:
        import torch

        torch.set_rng_state(torch.from_numpy(rng["rng.torch"]))
        n_gpus = sum(key.startswith("rng.cuda.") for key in rng)
        gpus = [torch.from_numpy(rng[f"rng.cuda.{i}"]) for i in range(n_gpus)]
        if gpus and torch.cuda.is_available() and len(gpus) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(gpus)


def pop_rng_states(state: dict) -> dict[str, np.ndarray]:
    """Take the generator states out of a checkpoint's state (what `_rng_states` put in)."""
    return {k: state.pop(k) for k in [k for k in state if k.startswith("rng.")]}


def restore(run: Run, learner) -> int:
    """Reopen `run` where its last complete checkpoint left it: load that checkpoint into
    `learner` (and torch's RNGs), keep the epochs it covers, and return its epoch; 0, and no
    epoch kept, when it has none (killed before its first checkpoint was whole)."""
    if not has_checkpoint(run.checkpoint_dir):
        run.truncate_epochs(0)
        return 0
    state, meta = load_checkpoint(run.checkpoint_dir)
    rng = pop_rng_states(state)
    learner.load_state_dict(state)
    _set_rng_states(rng)
    run.truncate_epochs(meta["epoch"])
    return meta["epoch"]


@contextmanager
def guard(run: Run, learner) -> Iterator[None]:
    """Record how a training block ends: diverged or crashed -> "failed" (with the message),
    Ctrl-C -> weights saved and "interrupted". The caller marks success with `run.finish`."""
    try:
        yield
    except TrainingDiverged as exc:
        run.finish("failed", error=str(exc))
        raise
    except KeyboardInterrupt:
        save_model(run, learner)
        run.finish("interrupted", error="interrupted by the user (Ctrl-C)")
        raise
    except Exception as exc:
        try:
            run.finish("failed", error=f"{type(exc).__name__}: {exc}")
        except OSError:  # a full disk or a lost store: the first error is the one to report
            pass
        raise
