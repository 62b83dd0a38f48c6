"""First-layer kernels of a convolutional model as one grid figure."""

from pathlib import Path

import numpy as np


def first_conv_weight(model) -> np.ndarray:
    """The weight (F, C, *K) of the model's first parameter with more than 2 dimensions."""
    for param in model.parameters():
        if param.data.ndim > 2:
            return param.data
    raise ValueError(f"model: expected a convolutional layer; {type(model).__name__} has none")


# the figure's words; `plot_filters(labels=...)` replaces any of them (a notebook passes French:
# {"filter": "filtre {}", "title": "Filtres de la première couche {}"})
LABELS = {"filter": "filter {}", "title": "First-layer filters {}"}


def plot_filters(model, out: str | Path | None = None, labels: dict[str, str] | None = None):
    """Every first-layer kernel W[f] (2-D kernels as images, 1-D ones as stems) as a matplotlib
    Figure; written as the PNG `out` too when given. `labels` replaces words of LABELS.

    W (F, C, KH, KW): C = 3 is drawn in colour, otherwise the channels' mean in a diverging map
    centred at 0; W (F, C, K): one stem plot per filter and channel.
    """
    from profond.plotting import finish, pyplot

    plt = pyplot()
    words = {**LABELS, **(labels or {})}
    W = first_conv_weight(model)
    n_filters = W.shape[0]
    cols = min(n_filters, 8)
    rows = -(-n_filters // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols, 1.5 * rows + 0.6), squeeze=False)
    limit = float(np.abs(W).max()) or 1.0
    for f, ax in enumerate(axes.flat):
        if f >= n_filters:
            ax.axis("off")
            continue
        _draw_kernel(ax, W[f], limit)
        ax.set_title(words["filter"].format(f), fontsize=8)
    fig.suptitle(words["title"].format(tuple(W.shape)), fontsize=10)
    fig.tight_layout()
    return finish(fig, out)


def _draw_kernel(ax, kernel: np.ndarray, limit: float) -> None:
    if kernel.ndim == 2:  # (C, K): a 1-D kernel per channel
        for c, weights in enumerate(kernel):
            ax.stem(np.arange(len(weights)) + 0.1 * c, weights, basefmt=" ")
        ax.set_xlim(-0.5, kernel.shape[1] - 0.5)
        ax.set_ylim(-limit, limit)
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xticks([])
    elif kernel.shape[0] == 3:  # RGB kernels read best as colours, rescaled to [0, 1]
        ax.imshow((kernel.transpose(1, 2, 0) / limit + 1) / 2)
    else:
        ax.imshow(kernel.mean(axis=0), cmap="RdBu_r", vmin=-limit, vmax=limit)
    if kernel.ndim == 3:
        ax.set_xticks([])
        ax.set_yticks([])

