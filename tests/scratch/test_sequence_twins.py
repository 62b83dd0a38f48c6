"""The torch sequence models against their white-box twins in profond.scratch, same weights."""

import numpy as np
import pytest
import torch

from profond.models.sequence import (
    LSTMClassifier,
    RNNClassifier,
    TransformerClassifier,
    attention_maps,
)
from profond.scratch import nn as snn


def _state(module: torch.nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


@pytest.mark.parametrize("cls, twin", [(RNNClassifier, snn.RNN), (LSTMClassifier, snn.LSTM)])
def test_recurrent_classifiers_give_the_scratch_cells_logits(cls, twin):
    torch.manual_seed(0)
    model = cls(num_classes=5, seq_len=12, hidden_size=4).eval()
    rnn = twin(1, 4, batch_first=True, bidirectional=True)
    rnn.load_state_dict(_state(model.rnn))
    head = snn.Linear(2 * 4 * 12, 5)
    head.load_state_dict(_state(model.linear))
    X = np.random.default_rng(0).standard_normal((3, 12)).astype(np.float32)
    out, _ = rnn(X[..., None])
    with torch.no_grad():
        expected = model(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(head(out.reshape(3, -1)), expected, atol=1e-5, rtol=1e-4)


def test_transformer_attention_maps_match_scratch_multihead_attention():
    torch.manual_seed(1)
    model = TransformerClassifier(10, 40, patch_size=4, d_model=8, nhead=2).eval()
    x = torch.randn(2, 40)
    first = model.encoder.layers[0]
    mha = snn.MultiheadAttention(8, 2, batch_first=True)
    mha.load_state_dict(_state(first.self_attn))
    with torch.no_grad():
        h = first.norm1(model.tokens(x)).numpy()
    _, weights = mha(h, h, h, need_weights=True, average_attn_weights=False)
    np.testing.assert_allclose(weights, attention_maps(model, x)[0].numpy(), atol=1e-6)
