"""Sequence models in torch: RNN and LSTM classifiers beside the paper's GRU, a small transformer
encoder with its attention maps, and a character-level language model with temperature sampling.

The white-box twins of the cells and of attention are in profond.scratch.nn (recurrent.py,
attention.py).
"""

import torch
from torch import nn

from profond.checks import check_choice, check_int, check_positive

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class _RecurrentClassifier(nn.Module):
    cell: str  # a key of CELLS, set by each subclass

    def __init__(self, num_classes: int = 10, seq_len: int = 40, input_size: int = 1,
                 hidden_size: int = 6, bidirectional: bool = True):
        super().__init__()
        self.rnn = CELLS[self.cell](input_size, hidden_size, batch_first=True,
                                    bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        self.linear = nn.Linear(directions * hidden_size * seq_len, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:
            x = x.unsqueeze(-1)
        out, _ = self.rnn(x)
        return self.linear(out.flatten(1))


class RNNClassifier(_RecurrentClassifier):
    """h_t = tanh(W_ih x_t + W_hh h_{t-1} + b) both ways; logits = linear([h_1; ...; h_T]).

    x (N, T) or (N, T, input_size) -> logits (N, num_classes); the GRU's head and recipe (hidden 6,
    bidirectional, a Linear over every time step). Mirrors torch.nn.RNN(batch_first=True).
    """

    cell = "rnn"


class LSTMClassifier(_RecurrentClassifier):
    """c_t = f⊙c_{t-1} + i⊙g, h_t = o⊙tanh(c_t) both ways; logits = linear([h_1; ...; h_T]).

    x (N, T) or (N, T, input_size) -> logits (N, num_classes); the GRU's head and recipe.
    Mirrors torch.nn.LSTM(batch_first=True).
    """

    cell = "lstm"


class TransformerClassifier(nn.Module):
    """z_0 = patches W_e + P; z_l = encoder layer(z_{l-1}); logits = linear(LN(mean_t z_L)).

    x (N, T) or (N, T, input_size) -> logits (N, num_classes). The signal is cut into T / patch_size
    patches, each embedded by one Linear (patch_size = 1: one token per point), plus a learned
    positional embedding P; `pool` "mean" averages the tokens, "cls" reads a learned class token.
    Pre-norm layers (norm_first), GELU. Mirrors torch.nn.TransformerEncoder(batch_first=True).
    """

    def __init__(self, num_classes: int = 10, seq_len: int = 40, input_size: int = 1,
                 patch_size: int = 4, d_model: int = 32, nhead: int = 4, num_layers: int = 2,
                 dim_feedforward: int = 64, dropout: float = 0.0, pool: str = "mean"):
        super().__init__()
        check_int("patch_size", patch_size, minimum=1)
        if seq_len % patch_size:
            raise ValueError(f"patch_size: expected a divisor of seq_len={seq_len}; "
                             f"got {patch_size}")
        self.patch_size, self.pool = patch_size, check_choice("pool", pool, ("mean", "cls"))
        self.embed = nn.Linear(patch_size * input_size, d_model)
        n_tokens = seq_len // patch_size + (pool == "cls")
        self.pos = nn.Parameter(torch.randn(1, n_tokens, d_model) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model)) if pool == "cls" else None
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def tokens(self, x: torch.Tensor) -> torch.Tensor:
        """z_0 (N, L, d_model): embedded patches (after the class token) plus positions."""
        if x.dim() == 2:
            x = x.unsqueeze(-1)
        z = self.embed(x.reshape(len(x), x.shape[1] // self.patch_size, -1))
        if self.cls is not None:
            z = torch.cat([self.cls.expand(len(x), -1, -1), z], dim=1)
        return z + self.pos

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.encoder(self.tokens(x))
        pooled = z[:, 0] if self.cls is not None else z.mean(1)
        return self.head(self.norm(pooled))


@torch.no_grad()
def attention_maps(model: TransformerClassifier, x: torch.Tensor) -> list[torch.Tensor]:
    """softmax(q kᵀ / √d) of every head of every layer, for inputs x: a list of (N, nhead, L, L).

    Each layer's self_attn is run again on that layer's own input with need_weights=True (the
    encoder's forward asks for none), then the layer itself moves the tokens on.
    """
    was_training = model.training
    model.eval()
    try:
        z, maps = model.tokens(x), []
        for layer in model.encoder.layers:
            h = layer.norm1(z) if layer.norm_first else z
            _, weights = layer.self_attn(h, h, h, need_weights=True, average_attn_weights=False)
            maps.append(weights)
            z = layer(z)
        return maps
    finally:
        model.train(was_training)


def plot_attention(maps: list[torch.Tensor], out=None, title: str = ""):
    """A grid, one layer per row and one head per column, of the maps of ONE example: `maps` as
    attention_maps returns them for an input batch of one. A matplotlib Figure, written as the
    PNG `out` too when given."""
    from profond.plotting import finish, pyplot

    plt = pyplot()

    n_layers, n_heads = len(maps), maps[0].shape[1]
    fig, axes = plt.subplots(n_layers, n_heads, figsize=(2.2 * n_heads, 2.4 * n_layers + 0.4),
                             squeeze=False)
    for layer, weights in enumerate(maps):
        for head in range(n_heads):
            ax = axes[layer, head]
            ax.imshow(weights[0, head].cpu().numpy(), cmap="viridis", vmin=0)
            ax.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=8)
            ax.tick_params(labelsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("key token", fontsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("query token", fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return finish(fig, out)


class CharRNN(nn.Module):
    """h_t = cell(E[x_t], h_{t-1}); p(x_{t+1} | x_≤t) = softmax(W h_t + b).

    x (N, T) character ids (any dtype) -> logits (N, vocab_size, T): classes second, as
    nn.CrossEntropyLoss takes them. `cell` is "gru", "lstm" or "rnn"; `dropout` acts on the
    embeddings, between layers and before the head, never on the recurrent state (Zaremba 2014).
    Mirrors torch.nn.Embedding + torch.nn.GRU(batch_first=True) + torch.nn.Linear.
    """

    def __init__(self, vocab_size: int, embedding_dim: int = 32, hidden_size: int = 128,
                 num_layers: int = 1, cell: str = "gru", dropout: float = 0.0):
        super().__init__()
        check_choice("cell", cell, tuple(CELLS))
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.drop = nn.Dropout(dropout)
        self.rnn = CELLS[cell](embedding_dim, hidden_size, num_layers, batch_first=True,
                               dropout=dropout if num_layers > 1 else 0.0)
        self.head = nn.Linear(hidden_size, vocab_size)

    def step(self, x: torch.Tensor, state=None):
        """Logits (N, T, vocab_size) for ids x (N, T), and the state after the last step."""
        out, state = self.rnn(self.drop(self.embedding(x.long())), state)
        return self.head(self.drop(out)), state

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.step(x)[0].transpose(1, 2)


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """p_i = exp(z_i / τ) / Σ_j exp(z_j / τ) over the last axis; τ → 0: argmax, τ → ∞: uniform."""
    check_positive("temperature", temperature)
    return torch.softmax(logits / temperature, dim=-1)


@torch.no_grad()
def sample(model: CharRNN, bos: int, eos: int, n: int, temperature: float = 1.0,
           max_len: int = 30, generator: torch.Generator | None = None) -> list[list[int]]:
    """n sequences of ids drawn one character at a time from softmax(logits / τ), from BOS to EOS.

    temperature = 0 is greedy (argmax) decoding. Each list stops before EOS or at max_len ids.
    """
    check_positive("temperature", temperature, allow_zero=True)
    check_int("max_len", max_len, minimum=1)
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    x = torch.full((check_int("n", n, minimum=1), 1), bos, dtype=torch.long, device=device)
    state, out, done = None, [], torch.zeros(n, dtype=torch.bool, device=device)
    for _ in range(max_len):
        logits, state = model.step(x, state)
        logits = logits[:, -1]
        if temperature == 0:
            x = logits.argmax(-1, keepdim=True)
        else:
            probs = softmax_with_temperature(logits, temperature)
            x = torch.multinomial(probs, 1, generator=generator)
        done |= x[:, 0] == eos
        out.append(torch.where(done, eos, x[:, 0]))
        if done.all():
            break
    model.train(was_training)
    ids = torch.stack(out, 1).tolist()
    return [row[:row.index(eos)] if eos in row else row for row in ids]
