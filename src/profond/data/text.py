"""An offline text corpus for character-level language models: French first and last names.

`french_names()` reads the names profond ships (data/files/french_names.txt: faker's fr_FR person
provider lists, first names male and female then last names, copied once by
tools/french_names.py, nothing generated); `CharVocab` maps characters to ids with BOS/EOS
markers; `split_names` splits NAMES (never characters) into train and test; `names_dataset`
turns names into next-character pairs for the one Trainer; `unigram_entropy` is the baseline a
model must beat. NumPy only: no torch here.
"""

import math
from collections import Counter
from collections.abc import Sequence
from importlib import resources

import numpy as np

from profond.checks import check_range
from profond.data.dataset import Dataset

BOS, EOS = "<bos>", "<eos>"
IGNORE = -100  # nn.CrossEntropyLoss's default ignore_index: padding targets add no loss


def french_names() -> list[str]:
    """The shipped French first names (male, then female) and last names, each once, in order
    (the file's header says where they come from)."""
    text = resources.files("profond.data").joinpath("files/french_names.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class CharVocab:
    """Ids 0 and 1 are BOS and EOS; characters follow in sorted order.

    `encode("Léa")` -> [BOS, L, é, a, EOS]; `decode` drops BOS and stops at the first EOS.
    """

    def __init__(self, chars):
        self.itos = [BOS, EOS, *sorted(set(chars))]
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.bos, self.eos = self.stoi[BOS], self.stoi[EOS]

    @classmethod
    def from_corpus(cls, names: Sequence[str]) -> "CharVocab":
        return cls(ch for name in names for ch in name)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, name: str) -> list[int]:
        unknown = sorted(set(name) - set(self.stoi))
        if unknown:
            raise ValueError(f"name: expected characters of the vocabulary; got {unknown} in "
                             f"{name!r}")
        return [self.bos, *(self.stoi[ch] for ch in name), self.eos]

    def decode(self, ids) -> str:
        chars = []
        for i in ids:
            i = int(i)
            if i == self.eos:
                break
            if i != self.bos:
                chars.append(self.itos[i])
        return "".join(chars)


def split_names(names: Sequence[str], test_fraction: float = 0.2,
                seed: int = 0) -> tuple[list[str], list[str]]:
    """A seeded shuffle of whole names, then the last `test_fraction` of them for test."""
    check_range("test_fraction", test_fraction, 0.0, 1.0)
    order = np.random.default_rng(seed).permutation(len(names))
    n_test = round(test_fraction * len(names))
    cut = len(names) - n_test
    return [names[i] for i in order[:cut]], [names[i] for i in order[cut:]]


def encode_pairs(names: Sequence[str], vocab: CharVocab) -> tuple[np.ndarray, np.ndarray]:
    """Inputs x_t = BOS c_1 ... c_n and targets y_t = c_1 ... c_n EOS, one row per name.

    X (N, T) float32 ids padded with EOS (a causal model never reads past its own end), y (N, T)
    int64 padded with IGNORE; T = longest name + 1.
    """
    encoded = [vocab.encode(name) for name in names]
    T = max(len(ids) for ids in encoded) - 1
    X = np.full((len(names), T), vocab.eos, dtype=np.float32)
    y = np.full((len(names), T), IGNORE, dtype=np.int64)
    for row, ids in enumerate(encoded):
        X[row, :len(ids) - 1] = ids[:-1]
        y[row, :len(ids) - 1] = ids[1:]
    return X, y


def names_dataset(train: Sequence[str], test: Sequence[str], vocab: CharVocab,
                  name: str = "french-names") -> Dataset:
    """Next-character pairs for both splits, padded to one length T, classes = the vocabulary."""
    X_train, y_train = encode_pairs(train, vocab)
    X_test, y_test = encode_pairs(test, vocab)
    T = max(X_train.shape[1], X_test.shape[1])
    return Dataset(name, *_pad(X_train, y_train, T, vocab.eos), *_pad(X_test, y_test, T, vocab.eos),
                   task="classification", classes=list(vocab.itos),
                   description="French first and last names (from faker fr_FR), next character",
                   meta={"n_train_names": len(train), "n_test_names": len(test)})


def _pad(X: np.ndarray, y: np.ndarray, T: int, eos: int) -> tuple[np.ndarray, np.ndarray]:
    extra = T - X.shape[1]
    return (np.pad(X, ((0, 0), (0, extra)), constant_values=eos),
            np.pad(y, ((0, 0), (0, extra)), constant_values=IGNORE))


def unigram_entropy(names: Sequence[str]) -> float:
    """H = −Σ_s p(s) ln p(s) over the predicted symbols: every character and one EOS per name.

    Nats per character: what a model that ignores the context pays at best on this corpus.
    """
    counts = Counter(ch for name in names for ch in name)
    counts[EOS] = len(names)
    total = sum(counts.values())
    return -sum(c / total * math.log(c / total) for c in counts.values())


class NgramLM:
    """A Markov chain of order n − 1 over characters with add-α smoothing (Laplace for α = 1):

    p(c | h) = (count(h, c) + α) / (count(h) + α |V|), h = the n − 1 previous symbols (BOS-padded),
    c ∈ V = the vocabulary's characters and EOS. n = 1 is the unigram model, 2 the bigram, 3 the
    trigram. Mirrors nltk.lm.Lidstone.
    """

    def __init__(self, n: int, vocab: CharVocab, alpha: float = 1.0):
        from profond.checks import check_int, check_positive

        self.n = check_int("n", n, minimum=1)
        self.alpha = check_positive("alpha", alpha)
        self.vocab = vocab
        self.counts: dict[tuple, Counter] = {}

    def fit(self, names: Sequence[str]) -> "NgramLM":
        self.counts = {}
        for context, target in self._events(names):
            self.counts.setdefault(context, Counter())[target] += 1
        return self

    def cross_entropy(self, names: Sequence[str]) -> float:
        """−(1/#targets) Σ ln p(c_t | h_t) over every character and one EOS per name (nats)."""
        outcomes = len(self.vocab) - 1  # every id but BOS can be predicted
        total, count = 0.0, 0
        for context, target in self._events(names):
            seen = self.counts.get(context, Counter())
            p = (seen[target] + self.alpha) / (sum(seen.values()) + self.alpha * outcomes)
            total -= math.log(p)
            count += 1
        return total / count

    def _events(self, names: Sequence[str]):
        for name in names:
            ids = [self.vocab.bos] * (self.n - 1) + self.vocab.encode(name)[1:]
            for t in range(self.n - 1, len(ids)):
                yield tuple(ids[t - self.n + 1:t]), ids[t]
