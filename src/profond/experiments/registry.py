"""The registry of reproducible experiments: one module per course table or claim.

Each module named here defines `run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult`.
The registry maps names to module paths so `profond experiment list` imports none of them.
"""

import importlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from profond.checks import check_choice
from profond.io import atomic_write_json
from profond.paths import runs_dir
from profond.train.runs import new_run_id

EXPERIMENTS: dict[str, tuple[str, str]] = {
    # name: (module, one-line description)
    "perceptron-or": ("profond.experiments.perceptron_or",
                      "Deck 003: the Rosenblatt perceptron learns OR, step by step"),
    "nearest-mean-example": ("profond.experiments.nearest_mean_example",
                             "Deck 001: class means and distances of x = (5, 2), worked example"),
    "conv-arithmetic": ("profond.experiments.conv_arithmetic", "Deck 003: conv output sizes"),
    "rl-cartpole": ("profond.experiments.rl_cartpole", "Deck 000: DQN vs REINFORCE on CartPole-v1"),
    "rl-frozenlake": ("profond.experiments.rl_frozenlake",
                      "Deck 000: Q-learning on FrozenLake 4x4"),
    "mcts-tictactoe": ("profond.experiments.mcts_tictactoe", "Deck 003: UCT vs random and minimax"),
    "mcts-connect4": ("profond.experiments.mcts_connect4",
                      "Deck 003: UCT at connect four, vs random and vs fewer simulations"),
    "alphazero-tictactoe": ("profond.experiments.alphazero_tictactoe", "AlphaZero vs minimax"),
    "finetune-gain": ("profond.experiments.finetune_gain", "Deck 003: fine-tuning vs scratch"),
    "mnist1d-table": ("profond.experiments.mnist1d_table", "MNIST-1D: 7 models, 4 vs paper's %"),
    "char-rnn": ("profond.experiments.char_rnn", "Decks 001/004: char GRU LM on French names"),
    "ae-denoise": ("profond.experiments.ae_denoise", "Deck 004: denoising, sparse, stacked AEs"),
    "vae-latent": ("profond.experiments.vae_latent", "Deck 004: VAE ELBO terms and 2-D latent"),
    "gan-digits": ("profond.experiments.gan_digits", "Deck 002: GAN on digits, both G losses"),
    "geometric-shapes": ("profond.experiments.geometric_shapes", "Deck 000: points/voxels/mesh"),
    "adversarial-eps": ("profond.experiments.adversarial_eps", "Deck 000: FGSM/PGD accuracy vs ε"),
    "adversarial-training": ("profond.experiments.adversarial_training", "Deck 000: defence"),
    "privacy-dp": ("profond.experiments.privacy_dp", "Deck 000: DP-SGD ε vs accuracy, MIA"),
    "privacy-inversion": ("profond.experiments.privacy_inversion", "Deck 000: DLG reconstruction"),
    "random-labels": ("profond.experiments.random_labels", "Deck 003: Zhang et al. random labels"),
    "label-noise": ("profond.experiments.label_noise", "Deck 003: test accuracy vs flipped labels"),
    "overfitting": ("profond.experiments.overfitting", "Decks 001/003: degree 1/3/9, width, L2"),
    "compression": ("profond.experiments.compression",
                    "Decks 001/004: pruning, int8, distillation"),
    "deep-vs-shallow": ("profond.experiments.deep_vs_shallow", "Deck 003: Ba & Caruana mimic net"),
    "ood-saliency": ("profond.experiments.ood_saliency",
                     "Deck 001 (Chester): AE OOD score, error and saliency maps"),
    "bias-audit": ("profond.experiments.bias_audit", "Deck 003: Gender Shades-style audit"),
    "energy": ("profond.experiments.energy", "Deck 003: accuracy vs kWh/CO2e, GPT-3 context"),
    # Issue 16, part B: the slides' missing examples and taxonomy
    "backprop-slide": ("profond.experiments.backprop_slide",
                       "Deck 001: Mazur's 2-2-2 backprop example, forward, δ, updated weights"),
    "momentum-local-minimum": ("profond.experiments.momentum_local_minimum",
                               "Deck 001: plain descent stops in a local minimum, momentum not"),
    "kmeans-digits": ("profond.experiments.kmeans_digits",
                      "Decks 001/004: k-means, the nearest mean without labels, on digits"),
    "universal-approximation": ("profond.experiments.universal_approximation",
                                "Decks 001/003: error vs hidden units, sigmoid, Gaussian, RBF"),
    "multilabel-digits": ("profond.experiments.multilabel_digits",
                          "Deck 004: multi-label, a sigmoid per label vs a softmax"),
    "rotation-pretext": ("profond.experiments.rotation_pretext",
                         "Deck 003: self-supervised rotation pretext, linear probe vs PCA"),
    "stride-vs-pooling": ("profond.experiments.stride_vs_pooling",
                          "Deck 003: halve the resolution by max pool, average pool or stride"),
    "reward-misspecification": ("profond.experiments.reward_misspecification",
                                "Deck 000: alignment, FrozenLake with a repeatable bonus tile"),
    # Issue 19: the concept pages' last pictures
    "init-activations": ("profond.experiments.init_activations",
                         "Deck 003: activations across 10 layers, small/Xavier/He/large init"),
    "batchnorm-depth": ("profond.experiments.batchnorm_depth",
                        "Deck 003: a deep sigmoid MLP with and without batch norm"),
    "hparam-search": ("profond.experiments.hparam_search",
                      "Deck 003: grid vs random search when one of two hyper-parameters matters"),
}


@dataclass
class ExperimentResult:
    """What an experiment returns: a table (rows of dicts), figures (PNG paths) and extra facts."""

    name: str
    rows: list[dict]
    title: str = ""
    figures: list[str] = field(default_factory=list)
    claims: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def describe(name: str) -> str:
    return _entry(name)[1]


def _entry(name: str) -> tuple[str, str]:
    """The registry's entry; a KeyError naming the experiments (and the closest) if unknown."""
    try:
        return EXPERIMENTS[check_choice("experiment", name, sorted(EXPERIMENTS))]
    except ValueError as exc:
        raise KeyError(str(exc)) from None


def run_experiment(name: str, *, quick: bool = False, seed: int = 0,
                   out_dir: str | Path | None = None) -> ExperimentResult:
    """Run one experiment, write `result.json` (and its figures) into `out_dir`, return the result.

    `out_dir` defaults to `runs/experiments/<name>-<timestamp>`.
    """
    module_name, _ = _entry(name)
    if out_dir is None:
        out_dir = runs_dir() / "experiments" / new_run_id(name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    module = importlib.import_module(module_name)
    result = module.run(quick=quick, seed=seed, out_dir=out_dir)
    atomic_write_json(out_dir / "result.json", {**result.to_json(), "quick": quick, "seed": seed})
    return result
