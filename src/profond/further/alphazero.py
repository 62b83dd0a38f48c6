"""AlphaZero for tic-tac-toe: a policy-value net, PUCT search guided by it, self-play, training.

loss = (z - v)^2 - pi . log p + c ||theta||^2  (Silver et al. 2017, "Mastering the game of Go
without human knowledge"; 2018 for chess and shogi). The net f(s) = (p, v) reads the planes of
`BoardGame.encode()`: (N, 3, 3, 3) -> policy logits (N, 9) and value (N,) in [-1, 1], both for the
player to move. Self-play runs `puct_search` from every position, plays moves sampled from the
visit counts for the first `temperature_moves` moves (tau = 1) then the most visited (tau -> 0),
and stores (s, pi, z) with its 8 board symmetries; the net learns from minibatches of that buffer.

CPU budget: the default `AlphaZeroConfig` (30 iterations of 32 self-play games, 100 simulations
per move) trains in about 30 s of CPU time on the 2-core dev machine (process time, one torch
thread; the wall-clock time on an idle machine). After it, the agent (noiseless PUCT, 100
simulations per move) never loses to the perfect minimax player, as X or as O, whatever optimal
line minimax chooses (seeds 0 to 3 checked; see docs/mcts.md). Mirrors no torch API; the net is
a plain `torch.nn.Module`.
"""

import json
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn

from profond.checks import check_int, check_positive, check_range
from profond.further.games import BoardGame, TicTacToe
from profond.further.mcts import most_visited, puct_search, visit_counts
from profond.io import atomic_write_json
from profond.train.checkpoint import load_weights, save_weights

WEIGHTS, CONFIG = "alphazero.safetensors", "alphazero.json"


@dataclass
class AlphaZeroConfig:
    """Everything that decides a training run; saved beside the weights."""

    hidden: int = 64
    iterations: int = 30
    games_per_iteration: int = 32
    n_simulations: int = 100  # per move in self-play
    eval_simulations: int = 100  # per move when playing for real
    c_puct: float = 1.5
    temperature_moves: int = 4
    dirichlet_alpha: float = 1.0
    noise_fraction: float = 0.25
    buffer_size: int = 20_000
    batch_size: int = 128
    train_steps: int = 100  # minibatches per iteration
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "noise_fraction":
                check_range(f.name, value, 0.0, 1.0)
            elif f.type in (int, "int") and f.name != "seed":
                check_int(f.name, value, minimum=0 if f.name == "temperature_moves" else 1)
            elif f.type in (float, "float"):
                check_positive(f.name, value, allow_zero=f.name in ("weight_decay",
                                                                     "dirichlet_alpha"))


class PolicyValueNet(nn.Module):
    """f(s) = (p, v): a shared MLP trunk, a policy head (logits over the 9 cells) and a tanh value.

    x: (N, 3, 3, 3) planes -> (logits (N, 9), v (N,)).
    """

    def __init__(self, hidden: int = 64, in_features: int = 27, n_moves: int = 9):
        super().__init__()
        self.trunk = nn.Sequential(nn.Flatten(), nn.Linear(in_features, hidden), nn.ReLU(),
                                   nn.Linear(hidden, hidden), nn.ReLU())
        self.policy = nn.Linear(hidden, n_moves)
        self.value = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        return self.policy(h), torch.tanh(self.value(h)).squeeze(-1)


def alphazero_loss(logits: torch.Tensor, v: torch.Tensor, pi: torch.Tensor, z: torch.Tensor
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """(z - v)^2 and -pi . log softmax(logits), each averaged over the batch (N, 9), (N,)."""
    value_loss = ((z - v) ** 2).mean()
    policy_loss = -(pi * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
    return value_loss, policy_loss


class NetEvaluator:
    """The evaluator `puct_search` calls: priors (softmax over the legal cells) and value.

    Answers are memoised by position until `clear()`, which training calls after each update:
    self-play meets the same positions again and again, and the net is fixed in between.
    """

    def __init__(self, net: PolicyValueNet):
        self.net = net
        self._memo: dict[BoardGame, tuple[np.ndarray, float]] = {}

    def __call__(self, state: BoardGame) -> tuple[np.ndarray, float]:
        if state not in self._memo:
            with torch.inference_mode():
                logits, v = self.net(torch.from_numpy(state.encode()[None]))
            legal = state.legal_moves()
            self._memo[state] = (torch.softmax(logits[0, legal], 0).numpy(), float(v[0]))
        return self._memo[state]

    def clear(self) -> None:
        self._memo.clear()


def symmetries(planes: np.ndarray, pi: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The 8 rotations and reflections of a square board: planes (C, n, n) and pi (n*n,) alike."""
    n = planes.shape[-1]
    board_pi = pi.reshape(n, n)
    out = []
    for k in range(4):
        p, q = np.rot90(planes, k, axes=(1, 2)), np.rot90(board_pi, k)
        out += [(p, q.ravel()), (p[:, :, ::-1], q[:, ::-1].ravel())]
    return [(np.ascontiguousarray(p), np.ascontiguousarray(q)) for p, q in out]


class AlphaZero:
    """The learner: `train()` alternates self-play and minibatch updates; `choose(state)` plays.

    `history` holds one record per iteration: mean value, policy and total loss, and the
    buffer size.
    """

    game = TicTacToe

    def __init__(self, config: AlphaZeroConfig | None = None):
        self.config = config or AlphaZeroConfig()
        with torch.random.fork_rng():
            torch.manual_seed(self.config.seed)
            self.net = PolicyValueNet(self.config.hidden)
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=self.config.lr,
                                          weight_decay=self.config.weight_decay)
        self.rng = np.random.default_rng(self.config.seed)
        self.evaluate = NetEvaluator(self.net)
        self.buffer: deque = deque(maxlen=self.config.buffer_size)
        self.history: list[dict] = []

    def train(self, callback: Callable[[dict], None] | None = None) -> list[dict]:
        for iteration in range(self.config.iterations):
            for _ in range(self.config.games_per_iteration):
                self.buffer.extend(self.self_play_game())
            record = {"iteration": iteration + 1, **self.fit_buffer(),
                      "buffer": len(self.buffer)}
            self.history.append(record)
            if callback:
                callback(record)
        return self.history

    def self_play_game(self) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """One game of the net against itself: (planes, pi, z) per position, 8 symmetries each."""
        cfg, state, moves = self.config, self.game(), []
        while not state.is_terminal():
            root = puct_search(state, self.evaluate, cfg.n_simulations, cfg.c_puct, self.rng,
                               cfg.dirichlet_alpha, cfg.noise_fraction)
            pi = self._visit_distribution(visit_counts(root))
            moves.append((state.encode(), pi, state.current_player))
            if len(moves) <= cfg.temperature_moves:
                move = int(self.rng.choice(len(pi), p=pi))
            else:
                move = int(np.argmax(pi))
            state = state.play(move)
        winner = state.winner()
        return [(p, q, float(winner * player)) for planes, pi, player in moves
                for p, q in symmetries(planes, pi)]

    def fit_buffer(self) -> dict[str, float]:
        """`train_steps` minibatch updates on the buffer; the mean losses."""
        cfg, totals = self.config, np.zeros(2)
        for _ in range(cfg.train_steps):
            batch = self.rng.integers(len(self.buffer), size=cfg.batch_size)
            totals += self.train_step(*(np.stack(column) for column in
                                        zip(*(self.buffer[i] for i in batch), strict=True)))
        value_loss, policy_loss = (float(t) for t in totals / cfg.train_steps)
        return {"value_loss": value_loss, "policy_loss": policy_loss,
                "loss": value_loss + policy_loss}

    def train_step(self, planes: np.ndarray, pi: np.ndarray, z: np.ndarray) -> np.ndarray:
        """One Adam step on the AlphaZero loss (L2 through weight decay); (value, policy) losses."""
        logits, v = self.net(torch.from_numpy(planes))
        value_loss, policy_loss = alphazero_loss(logits, v, torch.from_numpy(pi).float(),
                                                 torch.from_numpy(z).float())
        self.optimizer.zero_grad()
        (value_loss + policy_loss).backward()
        self.optimizer.step()
        self.evaluate.clear()
        return np.array([value_loss.item(), policy_loss.item()])

    def choose(self, state: BoardGame, n_simulations: int | None = None) -> int:
        """The most visited move of a noiseless PUCT search (deterministic)."""
        root = puct_search(state, self.evaluate, n_simulations or self.config.eval_simulations,
                           self.config.c_puct)
        return most_visited(visit_counts(root))

    def save(self, folder: str | Path) -> Path:
        """`alphazero.safetensors` (weights) and `alphazero.json` (config and history)."""
        folder = Path(folder)
        state = {k: v.detach().numpy() for k, v in self.net.state_dict().items()}
        save_weights(folder / WEIGHTS, state, metadata={"model": "alphazero-tictactoe"})
        atomic_write_json(folder / CONFIG, {"config": asdict(self.config),
                                            "history": self.history})
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "AlphaZero":
        """Rebuild the agent from what `save` wrote; reads JSON and safetensors only."""
        folder = Path(folder)
        saved = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        agent = cls(AlphaZeroConfig(**saved["config"]))
        weights = load_weights(folder / WEIGHTS)
        agent.net.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
        agent.history = saved["history"]
        return agent

    def _visit_distribution(self, visits: dict[int, int]) -> np.ndarray:
        pi = np.zeros(self.game.rows * self.game.cols, np.float32)
        for move, n in visits.items():
            pi[move] = n
        return pi / pi.sum()
