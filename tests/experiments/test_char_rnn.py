"""Char-level LM: temperature, sampling against greedy decoding, per-character loss, experiment."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from profond.cli import app
from profond.data.text import (
    IGNORE,
    CharVocab,
    NgramLM,
    french_names,
    names_dataset,
    unigram_entropy,
)
from profond.experiments.char_rnn import CharLMLearner
from profond.further.privacy.canary import candidates, draw_canaries, exposure, sequence_nll
from profond.models.sequence import CharRNN, sample, softmax_with_temperature


def _model(seed=0, vocab_size=6):
    torch.manual_seed(seed)
    return CharRNN(vocab_size, embedding_dim=4, hidden_size=8)


def test_logits_have_classes_second():
    assert _model()(torch.zeros(3, 5)).shape == (3, 6, 5)


@pytest.mark.parametrize("tau", [0.3, 1.0, 2.5])
def test_temperature_raises_probabilities_to_the_power_one_over_tau(tau):
    z = np.array([[2.0, 0.5, -1.0, 0.0]])
    p = np.exp(z) / np.exp(z).sum()
    expected = p ** (1 / tau) / (p ** (1 / tau)).sum()
    got = softmax_with_temperature(torch.tensor(z), tau).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_temperature_extremes_and_checks():
    z = torch.tensor([3.0, 1.0, 0.0])
    assert softmax_with_temperature(z, 1e-3)[0] == pytest.approx(1.0)
    np.testing.assert_allclose(softmax_with_temperature(z, 1e4).numpy(), 1 / 3, atol=1e-3)
    with pytest.raises(ValueError, match="temperature: expected a number > 0; got 0"):
        softmax_with_temperature(z, 0)
    with pytest.raises(ValueError, match="temperature: expected a number >= 0; got -1"):
        sample(_model(), 0, 1, 2, temperature=-1)


def _greedy(model, bos, eos, max_len):
    """Argmax decoding that re-reads the whole prefix each step (no carried state)."""
    ids = [bos]
    with torch.no_grad():
        for _ in range(max_len):
            nxt = int(model(torch.tensor([ids]))[0, :, -1].argmax())
            if nxt == eos:
                break
            ids.append(nxt)
    return ids[1:]


@pytest.mark.parametrize("seed", range(4))
def test_sampling_as_temperature_goes_to_zero_is_argmax_decoding(seed):
    model = _model(seed)
    greedy = _greedy(model, 0, 1, 12)
    assert sample(model, 0, 1, 3, temperature=0, max_len=12) == [greedy] * 3
    generator = torch.Generator().manual_seed(seed)
    assert sample(model, 0, 1, 3, temperature=1e-4, max_len=12, generator=generator) == [greedy] * 3


def test_sampling_switches_dropout_off_and_restores_training_mode():
    torch.manual_seed(0)
    model = CharRNN(6, embedding_dim=4, hidden_size=8, dropout=0.5)
    greedy = _greedy(model.eval(), 0, 1, 12)
    model.train()
    assert sample(model, 0, 1, 4, temperature=0, max_len=12) == [greedy] * 4
    assert model.training


def test_first_characters_follow_the_softmax_at_temperature():
    model = _model(1)
    with torch.no_grad():
        expected = softmax_with_temperature(model(torch.tensor([[0]]))[0, :, 0], 1.5).numpy()
    first = sample(model, 0, 5, 20000, temperature=1.5, max_len=1,
                   generator=torch.Generator().manual_seed(0))
    # EOS draws come back empty; every other draw is its first id
    counts = np.bincount([ids[0] if ids else 5 for ids in first], minlength=6) / 20000
    np.testing.assert_allclose(counts, expected, atol=0.015)


def test_samples_stop_before_eos_and_at_max_len():
    for ids in sample(_model(2), 0, 1, 50, temperature=2.0, max_len=4):
        assert len(ids) <= 4 and 1 not in ids


def test_learner_loss_is_per_character_not_per_name():
    vocab = CharVocab.from_corpus(["abcdef", "b"])
    data = names_dataset(["abcdef", "b"], ["b"], vocab)
    model = _model(3, len(vocab))
    learner = CharLMLearner(model, torch.optim.SGD(model.parameters(), lr=0.1))
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.from_numpy(data.X_train)), dim=1)
    y = torch.from_numpy(data.y_train)
    mask = y != IGNORE
    picked = logp.gather(1, y.clamp(min=0).unsqueeze(1))[:, 0][mask]
    metrics = learner.evaluate(learner.prepare(data.X_train, data.y_train))
    assert metrics["loss"] == pytest.approx(-picked.mean().item(), rel=1e-5)
    assert mask.sum() == 7 + 2  # six letters + EOS, one letter + EOS


def test_quick_experiment_beats_the_unigram_entropy(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    torch.set_num_threads(1)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["experiment", "run", "char-rnn", "--quick", "--json",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    entropy = unigram_entropy(french_names())
    assert summary["unigram_entropy"] == pytest.approx(entropy)
    test_losses = [row["test loss (nats/char)"] for row in summary["rows"]]
    assert test_losses[-1] < entropy and test_losses[-1] < test_losses[0]
    assert set(summary["samples"]) == {"0.5", "1.0", "1.5"}
    assert all(isinstance(s, str) for names in summary["samples"].values() for s in names)
    assert (out / "char_rnn_loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the GRU beats the bigram chain on the same test names, and the chain beats the unigram
    chains = summary["markov_test_loss"]
    assert test_losses[-1] < chains["bigram"]["test loss (nats/char)"] < chains["unigram"][
        "test loss (nats/char)"]
    exposures = {c["repeats"]: c["exposure (bits)"] for c in summary["canaries"]}
    assert exposures[0] < 4 and exposures[16] > 10  # max log2(10^4) = 13.3 bits


def test_unigram_chain_without_smoothing_is_the_corpus_entropy():
    names = french_names()
    vocab = CharVocab.from_corpus(names)
    assert NgramLM(1, vocab, alpha=1e-12).fit(names).cross_entropy(names) == pytest.approx(
        unigram_entropy(names), rel=1e-9)


def test_bigram_chain_probabilities_by_hand():
    """Corpus "ab", "b": after BOS, a 1/2 and b 1/2; after a, b 1/1; after b, EOS 2/2. Laplace
    (α = 1) over the 3 outcomes a, b, EOS: p(a | BOS) = (1 + 1) / (2 + 3) = 2/5."""
    vocab = CharVocab("ab")
    chain = NgramLM(2, vocab, alpha=1.0).fit(["ab", "b"])
    # "a": p(a | BOS) = 2/5, p(EOS | a) = (0 + 1) / (1 + 3) = 1/4
    assert chain.cross_entropy(["a"]) == pytest.approx(-(np.log(2 / 5) + np.log(1 / 4)) / 2)
    with pytest.raises(ValueError, match="n: expected an integer >= 1; got 0"):
        NgramLM(0, vocab)


def test_exposure_is_log2_of_candidates_over_rank():
    nll = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 6.0, 7.0, 8.0])
    assert exposure(1.0, nll) == pytest.approx(3.0)  # rank 1 of 8
    assert exposure(3.0, nll) == pytest.approx(3.0 - np.log2(3))
    assert candidates("X", "ab", 2) == ["Xaa", "Xab", "Xba", "Xbb"]
    drawn = draw_canaries("X", "ab", 3, 4, seed=0)
    assert len(set(drawn)) == 4 and all(c in candidates("X", "ab", 3) for c in drawn)


def test_sequence_nll_sums_the_per_character_losses():
    vocab = CharVocab("ab")
    model = _model(vocab_size=len(vocab)).eval()
    nll = sequence_nll(model, vocab, ["ab", "b"])
    logp = torch.log_softmax(model(torch.tensor([[vocab.bos, vocab.stoi["a"], vocab.stoi["b"]]])),
                             1)[0]
    targets = [vocab.stoi["a"], vocab.stoi["b"], vocab.eos]
    assert nll[0] == pytest.approx(-sum(logp[c, t].item() for t, c in enumerate(targets)),
                                   rel=1e-5)
