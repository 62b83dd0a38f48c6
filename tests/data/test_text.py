"""The shipped French-names corpus, its character vocabulary, name-level split, entropy."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.data.text import (
    IGNORE,
    CharVocab,
    encode_pairs,
    french_names,
    names_dataset,
    split_names,
    unigram_entropy,
)

NAMES = french_names()


def test_corpus_is_real_french_names_shipped_with_profond():
    # hundreds of names, each listed once; familiar first and last names are among them
    assert len(NAMES) > 500 and len(set(NAMES)) == len(NAMES)
    assert {"Martin", "Bernard", "Dubois", "Adrien", "Alexandre"} <= set(NAMES)
    assert all(isinstance(n, str) and n and n[0].isupper() for n in NAMES)
    # accented letters are part of the corpus, not stripped
    assert any("é" in n for n in NAMES)


def test_corpus_is_the_union_of_fakers_provider_lists_in_order():
    # the shipped file against its source, where faker is installed (it is no dependency)
    person = pytest.importorskip("faker.providers.person.fr_FR")
    Provider = person.Provider

    expected = []
    for name in (*Provider.first_names_male, *Provider.first_names_female, *Provider.last_names):
        if name not in expected:
            expected.append(name)
    assert NAMES == expected


def test_corpus_needs_no_faker():
    # faker (25 MB) is no dependency: the names come from the file profond ships
    code = ("import sys; sys.modules['faker'] = None\n"
            "from profond.data.text import french_names; print(len(french_names()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(NAMES)


def test_unigram_entropy_by_hand():
    # targets of "ab" and "a": a, b, EOS, a, EOS -> p(a) = 2/5, p(b) = 1/5, p(EOS) = 2/5
    expected = -(2 * 0.4 * math.log(0.4) + 0.2 * math.log(0.2))
    assert unigram_entropy(["ab", "a"]) == pytest.approx(expected, rel=1e-12)
    # one symbol repeated with one EOS each: p = 1/2 twice, ln 2
    assert unigram_entropy(["x", "x"]) == pytest.approx(math.log(2))


def test_vocab_has_bos_eos_and_sorted_characters():
    vocab = CharVocab.from_corpus(["ba", "ab"])
    assert vocab.itos == ["<bos>", "<eos>", "a", "b"] and len(vocab) == 4
    assert vocab.encode("ab") == [vocab.bos, 2, 3, vocab.eos]
    assert vocab.decode([vocab.bos, 3, 2, vocab.eos, 2]) == "ba"  # stops at the first EOS


def test_vocab_names_the_unknown_characters():
    message = r"name: expected characters of the vocabulary; got \['z'\]"
    with pytest.raises(ValueError, match=message):
        CharVocab.from_corpus(["ab"]).encode("az")


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(NAMES))
def test_encode_decode_round_trip(name):
    vocab = CharVocab.from_corpus(NAMES)
    ids = vocab.encode(name)
    assert len(ids) == len(name) + 2
    assert vocab.decode(ids) == name


def test_split_is_by_names_seeded_and_complete():
    train, test = split_names(NAMES, 0.2, seed=3)
    assert len(test) == round(0.2 * len(NAMES)) and len(train) + len(test) == len(NAMES)
    assert not set(train) & set(test) and set(train) | set(test) == set(NAMES)
    assert split_names(NAMES, 0.2, seed=3) == (train, test)
    assert split_names(NAMES, 0.2, seed=4)[1] != test
    message = r"test_fraction: expected a number in \[0.0, 1.0\]; got 2"
    with pytest.raises(ValueError, match=message):
        split_names(NAMES, 2)


def test_pairs_shift_targets_by_one_and_pad():
    vocab = CharVocab.from_corpus(["ab", "b"])
    X, y = encode_pairs(["ab", "b"], vocab)
    bos, eos, a, b = vocab.bos, vocab.eos, 2, 3
    np.testing.assert_array_equal(X, [[bos, a, b], [bos, b, eos]])
    np.testing.assert_array_equal(y, [[a, b, eos], [b, eos, IGNORE]])
    assert X.dtype == np.float32 and y.dtype == np.int64


def test_dataset_pads_both_splits_to_one_length():
    vocab = CharVocab.from_corpus(["abc", "a"])
    data = names_dataset(["a"], ["abc"], vocab)
    assert data.X_train.shape == data.X_test.shape == (1, 4)
    assert (data.y_train[0] != IGNORE).sum() == 2 and (data.y_test[0] != IGNORE).sum() == 4
    assert data.classes == vocab.itos and data.task == "classification"
