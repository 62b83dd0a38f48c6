"""Memorisation as Carlini et al. measure it ("The Secret Sharer", 2019; deck 000's « phrases
clés »): a secret string of a known format (the canary) is put k times into a language model's
training text; its exposure says how much better the model ranks it than the other strings of
the same format.

exposure = log2 |R| − log2 rank(canary), rank by the model's negative log-likelihood among all
|R| candidates (rank 1 = the most likely). An unseen string scores about 1 bit on average; a fully
memorised one scores log2 |R|.
"""

import itertools
import math

import numpy as np

from profond.checks import check_int


def candidates(prefix: str, alphabet: str, length: int) -> list[str]:
    """Every string prefix + s with s in alphabet^length, in lexicographic order: |R| of them."""
    check_int("length", length, minimum=1)
    return [prefix + "".join(s) for s in itertools.product(alphabet, repeat=length)]


def draw_canaries(prefix: str, alphabet: str, length: int, n: int, seed: int = 0) -> list[str]:
    """n distinct secrets of the format, drawn uniformly with a seeded generator."""
    rng = np.random.default_rng(seed)
    secrets: list[str] = []
    while len(secrets) < n:
        secret = prefix + "".join(rng.choice(list(alphabet), length))
        if secret not in secrets:
            secrets.append(secret)
    return secrets


def sequence_nll(model, vocab, names: list[str], batch_size: int = 4096) -> np.ndarray:
    """−Σ_t ln p(c_t | c_<t) over each name's characters and its EOS: (N,) nats, eval mode."""
    import torch
    import torch.nn.functional as F

    from profond.data.text import IGNORE, encode_pairs

    X, y = encode_pairs(names, vocab)
    was_training = model.training
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(names), batch_size):
            xb = torch.from_numpy(X[start:start + batch_size])
            yb = torch.from_numpy(y[start:start + batch_size])
            nll = F.cross_entropy(model(xb), yb, ignore_index=IGNORE, reduction="none")
            out.append(nll.sum(1).numpy())
    model.train(was_training)
    return np.concatenate(out)


def exposure(nll_canary: float, nll_candidates: np.ndarray) -> float:
    """log2 |R| − log2 rank, rank = 1 + #candidates strictly more likely than the canary."""
    rank = 1 + int(np.sum(nll_candidates < nll_canary))
    return math.log2(len(nll_candidates)) - math.log2(rank)
