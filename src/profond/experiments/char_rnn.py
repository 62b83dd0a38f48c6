"""Deck 001/004, "RNN: pour les données séquentielles": a character-level GRU language model on
the French first and last names profond ships (from faker), trained through the one Trainer.
This module imports torch at once: the registry imports it only to run it.

Loss in nats per character (every character and the end of the name) on names the model never
saw, beside the unigram entropy of the corpus: a model that ignores the context pays at least that.
Samples at temperatures 0.5, 1.0 and 1.5 show the trade between safe and surprising names.
"""

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from profond.data.text import (
    IGNORE,
    CharVocab,
    french_names,
    names_dataset,
    split_names,
    unigram_entropy,
)
from profond.experiments.registry import ExperimentResult
from profond.models.sequence import CharRNN, sample
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer

TEMPERATURES = (0.5, 1.0, 1.5)
# without dropout the 128-unit GRU memorises the 458 training names: its test loss bottoms out
# near epoch 12 and climbs back (2.09 -> 2.72 nats/char at epoch 40, seed 0)
FULL = {"epochs": 40, "hidden_size": 128, "dropout": 0.5}
QUICK = {"epochs": 12, "hidden_size": 64, "dropout": 0.0}
BATCH, LR, N_SAMPLES = 32, 3e-3, 10


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Train on 80 % of the names, test on the other 20 %, sample at three temperatures."""
    budget = QUICK if quick else FULL
    names = french_names()
    train_names, test_names = split_names(names, 0.2, seed)
    vocab = CharVocab.from_corpus(names)
    entropy = unigram_entropy(names)
    learner, history = train(train_names, test_names, vocab, seed=seed, **budget)
    samples = _samples(learner.model, vocab, seed)
    rows = [{"epoch": epoch, "train loss (nats/char)": loss, "test loss (nats/char)": val_loss,
             "unigram entropy (nats/char)": entropy}
            for epoch, loss, val_loss in zip(history.epoch, history.loss, history.val_loss,
                                             strict=True)]
    figure = _plot(rows, entropy, out_dir / "char_rnn_loss.png")
    known = set(names)
    novel = {str(t): float(np.mean([s not in known for s in samples[t]])) for t in TEMPERATURES}
    return ExperimentResult(
        name="char-rnn",
        rows=rows,
        title=f"Char-level GRU (hidden {budget['hidden_size']}, dropout {budget['dropout']}) on "
              f"{len(names)} French names "
              f"(faker fr_FR): {len(train_names)} train, {len(test_names)} test",
        figures=[str(figure)],
        claims={"unigram_entropy": entropy, "test_loss": rows[-1]["test loss (nats/char)"],
                "train_loss": rows[-1]["train loss (nats/char)"],
                "samples": {str(t): samples[t] for t in TEMPERATURES}, "novel_fraction": novel,
                "vocab_size": len(vocab), "n_names": len(names)},
        notes=[f"τ = {t}: {', '.join(samples[t])}" for t in TEMPERATURES]
              + [f"Adam lr {LR}, batch {BATCH} names, {budget['epochs']} epochs; loss and entropy "
                 "count every character and the end of each name."],
    )


def train(train_names, test_names, vocab, *, seed: int = 0, epochs: int = 40,
          hidden_size: int = 128, dropout: float = 0.0):
    """(learner, history): a CharRNN trained by the one Trainer, test loss logged as val_loss."""
    seed_everything(seed)
    data = names_dataset(train_names, test_names, vocab)
    model = CharRNN(len(vocab), hidden_size=hidden_size, dropout=dropout)
    learner = CharLMLearner(model, torch.optim.Adam(model.parameters(), lr=LR))
    history = Trainer(epochs, BATCH, seed=seed).fit(learner, data, (data.X_test, data.y_test))
    return learner, history


def _samples(model: CharRNN, vocab: CharVocab, seed: int) -> dict[float, list[str]]:
    generator = torch.Generator().manual_seed(seed)
    return {t: [vocab.decode(ids) for ids in sample(model, vocab.bos, vocab.eos, N_SAMPLES, t,
                                                    generator=generator)]
            for t in TEMPERATURES}


class CharLMLearner(TorchLearner):
    """A TorchLearner whose metrics are per character, not per name: loss = Σ −ln p / #targets
    over the targets that are not padding, acc = next-character accuracy."""

    def __init__(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                 device: str = "cpu"):
        super().__init__(model, torch.nn.CrossEntropyLoss(ignore_index=IGNORE), optimizer, device)

    def evaluate(self, data) -> dict[str, float]:
        nll, correct, count = 0.0, 0, 0
        for yb, out in self._outputs(data):
            mask = yb != IGNORE
            nll += F.cross_entropy(out, yb, ignore_index=IGNORE, reduction="sum").item()
            correct += ((out.argmax(1) == yb) & mask).sum().item()
            count += mask.sum().item()
        return {"loss": nll / count, "acc": correct / count}


def _plot(rows: list[dict], entropy: float, path: Path) -> Path:
    from profond.plotting import pyplot, save_png

    plt = pyplot()

    epochs = [r["epoch"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(epochs, [r["train loss (nats/char)"] for r in rows], label="train", color="#0877bd")
    ax.plot(epochs, [r["test loss (nats/char)"] for r in rows], label="test", color="#f59322")
    ax.axhline(entropy, color="gray", ls="--", label=f"unigram entropy {entropy:.2f}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (nats/char)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)
