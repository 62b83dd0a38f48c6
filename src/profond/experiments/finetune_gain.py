"""Deck 003, fine-tuning: a model pretrained on MNIST-1D digits 0-4 adapts to digits 5-9 from few
examples better than the same network trained from scratch with the same budget.

Pretraining is a run in a runs store under the output folder; fine-tuning loads it from there
(profond.train.finetune), replaces the head, and trains with the one Trainer. Every arm gets the
same number of optimizer steps at the same batch size; all are tested on the test digits 5-9.
"""

import math
from pathlib import Path

import numpy as np

from profond.data import load
from profond.data.split import Standardizer
from profond.experiments.registry import ExperimentResult
from profond.models import create_model, new_model
from profond.plotting import pyplot, save_png
from profond.train.finetune import finetuner, load_pretrained, subset
from profond.train.recipe import fit_model
from profond.train.recording import RunRecorder
from profond.train.runs import RunStore
from profond.train.torch_learner import seed_everything
from profond.train.trainer import Trainer

MODEL = "mnist1d-cnn"
OLD, NEW = (0, 1, 2, 3, 4), (5, 6, 7, 8, 9)
BATCH = 32
LR, BACKBONE_LR_MULT = 3e-3, 0.1
SIZES = (10, 50, None)  # examples per class; None: all of them
# (pretraining epochs, fine-tuning steps per arm, draws of each training subset) by `quick`
BUDGETS = {True: (20, 60, 3), False: (40, 300, 5)}
ARMS = ("scratch", "features", "full")


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per training-set size: test accuracy on digits 5-9 of each arm."""
    pre_epochs, steps, draws = BUDGETS[quick]
    data = load("mnist1d")
    X_old, y_old = _pick(data.X_train, data.y_train, OLD)
    scaler = Standardizer().fit(X_old)  # the pretraining pipeline's scaling, kept downstream
    run_id, store = _pretrain(scaler.transform(X_old), y_old, pre_epochs, seed, out_dir)
    X_new, y_new = _pick(scaler.transform(data.X_train), data.y_train, NEW)
    test = _pick(scaler.transform(data.X_test), data.y_test, NEW)
    rows = []
    for per_class in SIZES:
        accs = {arm: 0.0 for arm in ARMS}
        for draw in range(draws):  # a few examples per class: which ones matters, so average
            train = subset(X_new, y_new, range(len(NEW)), per_class, seed * 1000 + draw)
            for arm in ARMS:
                accs[arm] += _arm(arm, train, test, steps, seed + draw, run_id, store) / draws
        rows.append({"per_class": per_class or "all", "n_train": len(train[1]), "draws": draws,
                     **{f"{arm} %": round(100 * acc, 2) for arm, acc in accs.items()},
                     "gain (full - scratch)": round(100 * (accs["full"] - accs["scratch"]), 2)})
    figure = _plot(rows, out_dir / "finetune_gain.png")
    few = rows[0]
    return ExperimentResult(
        name="finetune-gain", rows=rows,
        title=f"Fine-tuning gain on MNIST-1D digits 5-9 ({MODEL}, pretrained on 0-4), test %",
        figures=[str(figure)],
        claims={"pretrained_run": run_id, "few_shot_gain": few["gain (full - scratch)"],
                "finetune_beats_scratch_few_shot": few["full %"] > few["scratch %"]},
        notes=[f"Each arm: at least {steps} Adam steps (whole epochs) of batch {BATCH}, "
               f"lr {LR:g}; fine-tuning: the backbone at lr x {BACKBONE_LR_MULT:g}, unfrozen one "
               "block per quarter of the epochs (full), or frozen (features: the head alone).",
               f"Accuracies are means over {draws} draws of the training subset and seeds.",
               "Gain of fine-tuning over scratch, in points: " + ", ".join(
                   f"{r['per_class']} per class {r['gain (full - scratch)']:+.1f}" for r in rows)
               + "."])


def _pick(X: np.ndarray, y: np.ndarray, classes) -> tuple[np.ndarray, np.ndarray]:
    return subset(X, y, classes)


def _pretrain(X, y, epochs: int, seed: int, out_dir: Path):
    """A stored run: the CNN trained on digits 0-4, its weights in model.safetensors."""
    model = new_model(MODEL, (X.shape[1],), len(OLD), seed=seed)
    store = RunStore(out_dir / "runs")
    run = store.create({"model": MODEL, "data": "mnist1d digits 0-4", "epochs": epochs,
                        "seed": seed}, f"pretrain-{MODEL}-digits0-4-s{seed}")
    fit_model(model, (X, y), epochs=epochs, lr=LR, batch_size=BATCH, seed=seed,
              eval_train=False, callbacks=[RunRecorder(run)])
    run.finish("finished", {"epochs": epochs})
    return run.id, store


def _arm(arm: str, train, test, steps: int, seed: int, run_id: str, store) -> float:
    """Test accuracy of one arm after `steps` optimizer steps on `train`."""
    seed_everything(seed)
    X, y = train
    batch = min(BATCH, len(y))
    epochs = max(1, math.ceil(steps / math.ceil(len(y) / batch)))
    if arm == "scratch":
        learner, _ = fit_model(create_model(MODEL, (X.shape[1],), len(NEW)), train,
                               epochs=epochs, lr=LR, batch_size=batch, seed=seed,
                               eval_train=False)
        return learner.evaluate(learner.prepare(*test))["acc"]
    model, _ = load_pretrained(run_id, (X.shape[1],), store)
    # full: the head alone for the first quarter, then one more block per quarter
    schedule = f"every:{max(1, epochs // 4)}" if arm == "full" else "none"
    learner, callbacks = finetuner(model, len(NEW), mode=arm, schedule=schedule, lr=LR,
                                   backbone_lr_mult=BACKBONE_LR_MULT)
    Trainer(epochs, batch, seed=seed, callbacks=callbacks, eval_train=False).fit(learner, train)
    return learner.evaluate(learner.prepare(*test))["acc"]


def _plot(rows: list[dict], path: Path) -> Path:
    """Test accuracy against training examples per class, one line per arm."""
    plt = pyplot()

    labels = [str(r["per_class"]) for r in rows]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for arm, style in zip(ARMS, ("o--", "s-.", "D-"), strict=True):
        ax.plot(labels, [r[f"{arm} %"] for r in rows], style, label=arm)
    ax.set(xlabel="training examples per class (digits 5-9)", ylabel="test accuracy %",
           title="Fine-tuning from digits 0-4 vs training from scratch")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return save_png(fig, path)
