"""Feature maps of every layer for one input, next to the input and the predicted probabilities."""

from pathlib import Path

import numpy as np

MAX_MAPS = 16  # channels drawn per 2-D layer; LeNet-5's widest layer has 16
# the figure's words; `plot_activations(labels=...)` replaces any of them (a notebook passes
# French: {"input": "entrée", "probs": "probabilités prédites (classe {})"})
LABELS = {"input": "input", "probs": "predicted probabilities (class {})"}


def plot_activations(model, x: np.ndarray, out: str | Path | None = None,
                     classes: list[str] | None = None,
                     title: str = "Every layer's output for one input",
                     labels: dict[str, str] | None = None):
    """x, then each layer's output for x (model.activations), then softmax(logits), under
    `title`, as a matplotlib Figure; written as the PNG `out` too when given. `labels` replaces
    words of LABELS (a notebook passes its own language's, with `title`).

    x: one example without the batch axis, e.g. (40,) or (1, 8, 8). 2-D maps (C, H, W) are drawn
    one image per channel; 1-D maps (C, L) as a channels × positions heat map; vectors as a strip.
    """
    from profond.plotting import finish, pyplot

    plt = pyplot()

    model.eval()
    layers = model.activations(np.asarray(x, dtype=np.float32)[None])
    logits = layers[-1][1][0]
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    rows = [("input", np.asarray(x)), *((name, maps[0]) for name, maps in layers)]
    cols = max(min(maps.shape[0], MAX_MAPS) if maps.ndim == 3 else 1 for _, maps in rows)
    fig = plt.figure(figsize=(max(6.0, 1.0 * cols), 1.3 * (len(rows) + 1)))
    grid = fig.add_gridspec(len(rows) + 1, cols)
    words = {**LABELS, **(labels or {})}
    for r, (name, maps) in enumerate(rows):
        _draw_row(fig, grid, r, cols, name, maps, words["input"])
    ax = fig.add_subplot(grid[len(rows), :])
    labels = classes if classes is not None else [str(i) for i in range(len(probs))]
    ax.bar(labels, probs, color="#0877bd")
    ax.set_ylim(0, 1)
    ax.set_title(words["probs"].format(labels[int(probs.argmax())]), fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return finish(fig, out)


def _draw_row(fig, grid, r: int, cols: int, name: str, out: np.ndarray, input_word: str) -> None:
    title = f"{input_word if name == 'input' else name} {tuple(out.shape)}"
    if out.ndim == 3 and not (name == "input" and len(out) == 1):
        for c in range(min(out.shape[0], MAX_MAPS)):
            ax = fig.add_subplot(grid[r, c])
            ax.imshow(out[c], cmap="viridis")
            ax.set_axis_off()
            if c == 0:
                ax.set_title(title, fontsize=8, loc="left")
        return
    ax = fig.add_subplot(grid[r, :])
    if out.ndim == 3:  # a one-channel image input
        ax.imshow(out[0], cmap="gray")
        ax.set_axis_off()
    elif out.ndim == 1 and name == "input":  # a signal: draw it as a curve
        ax.plot(out, color="black")
    else:
        ax.imshow(np.atleast_2d(out), aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_yticks([])
    ax.set_title(title, fontsize=8, loc="left")
