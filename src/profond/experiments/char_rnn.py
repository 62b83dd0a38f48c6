"""Deck 001/004, "RNN: pour les données séquentielles": a character-level GRU language model on
the French first and last names profond ships (from faker), trained through the one Trainer.
This module imports torch at once: the registry imports it only to run it.

Loss in nats per character (every character and the end of the name) on names the model never
saw, beside the unigram entropy of the corpus: a model that ignores the context pays at least that.
Samples at temperatures 0.5, 1.0 and 1.5 show the trade between safe and surprising names.

Two fairer baselines than the unigram: bigram and trigram Markov chains (add-α smoothing, α chosen
on a tenth of the training names) fitted on the same training names and scored on the same test
names. And deck 000's memorisation: canaries (a secret "X" + 4 letters) put 0, 1, 4 and 16 times
into the training names, and their exposure (Carlini et al. 2019) once the GRU is trained.
"""

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from profond.data.text import (
    IGNORE,
    CharVocab,
    NgramLM,
    french_names,
    names_dataset,
    split_names,
    unigram_entropy,
)
from profond.experiments.registry import ExperimentResult
from profond.further.privacy.canary import candidates, draw_canaries, exposure, sequence_nll
from profond.models.sequence import CharRNN, sample
from profond.plotting import pyplot, save_png
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer

TEMPERATURES = (0.5, 1.0, 1.5)
# without dropout the 128-unit GRU memorises the 458 training names: its test loss bottoms out
# near epoch 12 and climbs back (2.09 -> 2.72 nats/char at epoch 40, seed 0)
FULL = {"epochs": 40, "hidden_size": 128, "dropout": 0.5}
QUICK = {"epochs": 12, "hidden_size": 64, "dropout": 0.0}
BATCH, LR, N_SAMPLES = 32, 3e-3, 10
ORDERS = {"unigram": 1, "bigram": 2, "trigram": 3}
ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)
# canaries: "X" + 4 letters of ten, |R| = 10^4 candidates; each repeated k times in training
CANARY_PREFIX, CANARY_ALPHABET, CANARY_LENGTH = "X", "abcdefghij", 4
REPEATS = (0, 1, 4, 16)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Train on 80 % of the names, test on the other 20 %, sample at three temperatures."""
    budget = QUICK if quick else FULL
    names = french_names()
    train_names, test_names = split_names(names, 0.2, seed)
    vocab = CharVocab.from_corpus(names)
    entropy = unigram_entropy(names)
    baselines = markov_baselines(train_names, test_names, vocab, seed)
    canaries = draw_canaries(CANARY_PREFIX, CANARY_ALPHABET, CANARY_LENGTH, len(REPEATS), seed)
    planted = [c for c, k in zip(canaries, REPEATS, strict=True) for _ in range(k)]
    learner, history = train(train_names + planted, test_names, vocab, seed=seed, **budget)
    exposures = canary_exposures(learner.model, vocab, canaries)
    samples = _samples(learner.model, vocab, seed)
    rows = [{"epoch": epoch, "train loss (nats/char)": loss, "test loss (nats/char)": val_loss,
             "unigram entropy (nats/char)": entropy}
            for epoch, loss, val_loss in zip(history.epoch, history.loss, history.val_loss,
                                             strict=True)]
    figure = _plot(rows, entropy, baselines, out_dir / "char_rnn_loss.png")
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
                "vocab_size": len(vocab), "n_names": len(names),
                "markov_test_loss": baselines,
                "canaries": [{"repeats": k, "exposure (bits)": e}
                             for k, e in zip(REPEATS, exposures, strict=True)],
                "max_exposure": round(CANARY_LENGTH * math.log2(len(CANARY_ALPHABET)), 2)},
        notes=[f"τ = {t}: {', '.join(samples[t])}" for t in TEMPERATURES]
              + [f"Adam lr {LR}, batch {BATCH} names, {budget['epochs']} epochs; loss and entropy "
                 "count every character and the end of each name.",
                 "Markov chains on the same split, test nats/char: " + ", ".join(
                     f"{k} {v['test loss (nats/char)']} (α = {v['alpha']:g})"
                     for k, v in baselines.items()),
                 "Canary exposure (bits, of at most "
                 f"{CANARY_LENGTH * math.log2(len(CANARY_ALPHABET)):.1f}) by times in training: "
                 + ", ".join(f"{k}× {e}" for k, e in zip(REPEATS, exposures, strict=True))],
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


def markov_baselines(train_names, test_names, vocab, seed: int) -> dict[str, dict]:
    """{name: {"alpha", "test loss (nats/char)"}} for the ORDERS: α from ALPHAS by the loss on
    a tenth of the training names, then the chain refitted on all of them."""
    fit_names, val_names = split_names(train_names, 0.1, seed)
    out = {}
    for name, n in ORDERS.items():
        alpha = min(ALPHAS, key=lambda a: NgramLM(n, vocab, a).fit(fit_names)
                    .cross_entropy(val_names))
        loss = NgramLM(n, vocab, alpha).fit(train_names).cross_entropy(test_names)
        out[name] = {"alpha": alpha, "test loss (nats/char)": round(loss, 4)}
    return out


def canary_exposures(model, vocab: CharVocab, canaries: list[str]) -> list[float]:
    """Exposure of each canary among every string of its format, in bits (2 decimals)."""
    pool = candidates(CANARY_PREFIX, CANARY_ALPHABET, CANARY_LENGTH)
    nll = sequence_nll(model, vocab, pool)
    index = {s: i for i, s in enumerate(pool)}
    return [round(exposure(nll[index[c]], nll), 2) for c in canaries]


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


def _plot(rows: list[dict], entropy: float, baselines: dict, path: Path) -> Path:
    plt = pyplot()

    epochs = [r["epoch"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(epochs, [r["train loss (nats/char)"] for r in rows], label="train", color="#0877bd")
    ax.plot(epochs, [r["test loss (nats/char)"] for r in rows], label="test", color="#f59322")
    ax.axhline(entropy, color="gray", ls="--", label=f"unigram entropy {entropy:.2f}")
    for (name, b), style in zip(list(baselines.items())[1:], (":", "-."), strict=True):
        loss = b["test loss (nats/char)"]
        ax.axhline(loss, color="black", ls=style, label=f"{name} chain, test {loss:.2f}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (nats/char)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)
