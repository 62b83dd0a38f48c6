"""Monte Carlo tree search: UCT with random rollouts, and PUCT guided by a policy-value function.

Every node stores the value of its position for the player who moved into it, so a parent picks
the child with the best value for itself, and backpropagation flips the sign at each level
(negamax). Values lie in [-1, 1]: +1 win, 0 draw, -1 loss.
"""

import math
from collections.abc import Callable

import numpy as np

from profond.checks import check_int, check_positive
from profond.further.games import BoardGame

# evaluate(state) -> (prior over state.legal_moves(), value for the player to move)
Evaluator = Callable[[BoardGame], tuple[np.ndarray, float]]


class Node:
    """A position in the tree: N visits, W total value for the player who moved into it, prior P.

    The state is built on first use: PUCT creates every child with its prior at once, and most
    are never visited. `untried` lists the moves UCT has not expanded yet.
    """

    __slots__ = ("parent", "move", "prior", "children", "untried", "N", "W", "_state")

    def __init__(self, state: BoardGame | None = None, parent: "Node | None" = None,
                 move: int | None = None, prior: float = 1.0):
        self._state, self.parent, self.move, self.prior = state, parent, move, prior
        self.children: dict[int, Node] = {}
        self.untried: list[int] = []
        self.N, self.W = 0, 0.0

    @property
    def state(self) -> BoardGame:
        if self._state is None:
            self._state = self.parent.state.play(self.move)
        return self._state

    @property
    def Q(self) -> float:
        return self.W / self.N if self.N else 0.0

    def backpropagate(self, value: float) -> None:
        """`value` is for the player to move at this node, i.e. minus the value for who moved in."""
        node = self
        while node is not None:
            node.N += 1
            node.W -= value
            value = -value
            node = node.parent


def terminal_value(state: BoardGame) -> float:
    """The finished game's value for the player to move: -1 if the last mover won, else 0."""
    return -1.0 if state.winner() else 0.0


def visit_counts(root: Node) -> dict[int, int]:
    return {move: child.N for move, child in root.children.items()}


def most_visited(visits: dict[int, int]) -> int:
    """The move with most visits; ties go to the smallest move, so the choice is reproducible."""
    return max(sorted(visits), key=visits.__getitem__)


class MCTS:
    """UCT: select by UCB1 = X + c sqrt(ln N_parent / N_child), expand one move, roll out at
    random, back up the result. Kocsis & Szepesvari 2006; Browne et al. 2012, "A Survey of MCTS".

    X = (Q + 1) / 2 is the mean reward in [0, 1] (win 1, draw 1/2, loss 0), the scale UCB1's
    c = sqrt(2) is meant for.

    `best_move(state)` returns the most visited move and the visit counts of the root's moves.
    """

    def __init__(self, n_simulations: int = 1000, c: float = math.sqrt(2),
                 rng: np.random.Generator | int | None = None):
        self.n_simulations = check_int("n_simulations", n_simulations, minimum=1)
        self.c = check_positive("c", c, allow_zero=True)
        self.rng = np.random.default_rng(rng)

    def search(self, state: BoardGame) -> Node:
        if state.is_terminal():
            raise ValueError(f"state: expected a game in progress; got a finished one "
                             f"({state.result_text()})")
        root = _uct_node(state)
        for _ in range(self.n_simulations):
            node = self._select(root)
            if node.untried:
                node = self._expand(node)
            node.backpropagate(self._rollout(node.state))
        return root

    def best_move(self, state: BoardGame) -> tuple[int, dict[int, int]]:
        visits = visit_counts(self.search(state))
        return most_visited(visits), visits

    def choose(self, state: BoardGame) -> int:
        """The player interface of `play_game`."""
        return self.best_move(state)[0]

    def _select(self, node: Node) -> Node:
        """Descend through fully expanded nodes by UCB1 to one with untried moves, or a leaf."""
        while not node.untried and node.children:
            log_n = math.log(node.N)
            node = max(node.children.values(),
                       key=lambda ch: (ch.Q + 1) / 2 + self.c * math.sqrt(log_n / ch.N))
        return node

    def _expand(self, node: Node) -> Node:
        move = node.untried.pop(int(self.rng.integers(len(node.untried))))
        child = _uct_node(node.state.play(move), node, move)
        node.children[move] = child
        return child

    def _rollout(self, state: BoardGame) -> float:
        """Random moves to the end; the result for the player to move in `state`."""
        player = state.current_player
        while not state.is_terminal():
            moves = state.legal_moves()
            state = state.play(moves[int(self.rng.integers(len(moves)))])
        return float(state.winner() * player)


def _uct_node(state: BoardGame, parent: Node | None = None, move: int | None = None) -> Node:
    node = Node(state, parent, move)
    node.untried = state.legal_moves()
    return node


def puct_search(state: BoardGame, evaluate: Evaluator, n_simulations: int, c_puct: float = 1.5,
                rng: np.random.Generator | None = None, dirichlet_alpha: float = 0.0,
                noise_fraction: float = 0.25) -> Node:
    """AlphaZero's search: select by Q + c_puct P sqrt(N_parent) / (1 + N_child), expand a leaf
    with the evaluator's priors, back up its value (no rollout). Silver et al. 2017.

    With `dirichlet_alpha` > 0 the root priors become (1 - eps) P + eps Dir(alpha), as in
    self-play, so every move gets tried.
    """
    check_int("n_simulations", n_simulations, minimum=1)
    if state.is_terminal():
        raise ValueError(f"state: expected a game in progress; got a finished one "
                         f"({state.result_text()})")
    root = Node(state)
    root.N = 1  # so the first selection already follows the priors (sqrt(N) > 0)
    _expand_with_priors(root, state.legal_moves(), evaluate(state)[0])
    if dirichlet_alpha > 0:
        noise = (rng or np.random.default_rng()).dirichlet([dirichlet_alpha] * len(root.children))
        for child, eta in zip(root.children.values(), noise, strict=True):
            child.prior = (1 - noise_fraction) * child.prior + noise_fraction * eta
    for _ in range(n_simulations):
        node = root
        while node.children:
            node = _puct_child(node, c_puct)
        if node.state.is_terminal():
            value = terminal_value(node.state)
        else:
            priors, value = evaluate(node.state)
            _expand_with_priors(node, node.state.legal_moves(), priors)
        node.backpropagate(value)
    return root


def _expand_with_priors(node: Node, moves: list[int], priors: np.ndarray) -> None:
    for move, p in zip(moves, priors, strict=True):
        node.children[move] = Node(None, node, move, float(p))


def _puct_child(node: Node, c_puct: float) -> Node:
    scale = c_puct * math.sqrt(node.N)
    return max(node.children.values(), key=lambda ch: ch.Q + scale * ch.prior / (1 + ch.N))
