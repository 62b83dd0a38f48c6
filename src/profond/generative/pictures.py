"""Figures of generative models: rows of examples (images or 1-D signals), a 2-D latent space
coloured by class, and per-epoch curves. Every function returns its matplotlib Figure, and writes
it as a PNG too when given `out`."""

from pathlib import Path

import numpy as np

from profond.plotting import finish, pyplot


def plot_rows(rows: list[tuple[str, np.ndarray]], shape: tuple[int, ...],
              out: str | Path | None = None, title: str = ""):
    """One labelled row per (label, X (n, D)): examples reshaped to `shape`, (H, W) or (C, H, W)
    drawn as grey images, (L,) as curves. E.g. input / noisy / reconstructed, or an interpolation.
    """
    plt = pyplot()
    cols = max(len(X) for _, X in rows)
    fig, axes = plt.subplots(len(rows), cols, figsize=(1.1 * cols + 0.8, 1.1 * len(rows) + 0.5),
                             squeeze=False)
    for r, (label, X) in enumerate(rows):
        for c, ax in enumerate(axes[r]):
            if c < len(X):
                _draw(ax, np.asarray(X[c]).reshape(shape))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_frame_on(c < len(X))
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return finish(fig, out)


def _draw(ax, x: np.ndarray) -> None:
    if x.ndim == 1:
        ax.plot(x, lw=1)
    else:
        ax.imshow(x.reshape(x.shape[-2:]) if x.ndim == 3 else x, cmap="gray_r", vmin=0, vmax=1)


def plot_grid(images: np.ndarray, shape: tuple[int, ...], out: str | Path | None = None,
              title: str = "", cols: int = 8):
    """Images (n, D) tiled in rows of `cols` into one picture (one axes: fast for a grid per
    epoch) with one-pixel gaps; 1-D signals fall back to `plot_rows`."""
    if len(shape) == 1:
        return plot_rows([("", images[i:i + cols]) for i in range(0, len(images), cols)],
                         shape, out, title)
    plt = pyplot()
    h, w = shape[-2:]
    n_rows = -(-len(images) // cols)
    # a light grey gap (0 is white in "gray_r"): it separates the tiles without drowning them
    mosaic = np.full((n_rows * (h + 1) - 1, cols * (w + 1) - 1), 0.2, dtype=np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        mosaic[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = image.reshape(h, w)
    fig, ax = plt.subplots(figsize=(0.5 * cols + 0.6, 0.5 * n_rows + 0.7))
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1)
    ax.set_axis_off()
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return finish(fig, out)


def plot_latent(Z: np.ndarray, y: np.ndarray, out: str | Path | None = None, title: str = "",
                classes=None):
    """Codes Z (N, 2) as points coloured by label y (N,), one legend entry per class."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    cmap = plt.get_cmap("tab10")
    for c in np.unique(y):
        mask = y == c
        label = classes[c] if classes is not None else str(c)
        ax.scatter(Z[mask, 0], Z[mask, 1], s=8, color=cmap(int(c) % 10), label=label, alpha=0.8)
    ax.set(xlabel="z1", ylabel="z2", title=title)
    ax.legend(fontsize=7, markerscale=2, loc="best", ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, out)


def plot_curves(records: list[dict], keys: list[str], out: str | Path | None = None,
                title: str = "", group: str | None = None):
    """One panel per key: records[k][key] against records[k]["epoch"], one line per `group` value.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.4), squeeze=False)
    groups = sorted({r[group] for r in records}) if group else [None]
    for ax, key in zip(axes[0], keys, strict=True):
        for g in groups:
            points = [(r["epoch"], r[key]) for r in records
                      if key in r and (group is None or r[group] == g)]
            if points:
                ax.plot(*zip(*points, strict=True), marker=".", label=g or key)
        ax.set(xlabel="epoch", ylabel=key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return finish(fig, out)


def interpolate(a: np.ndarray, b: np.ndarray, steps: int = 8) -> np.ndarray:
    """(1 - t) a + t b for t = 0, 1/(steps-1), ..., 1: (steps, *a.shape), a first, b last."""
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape(-1, *([1] * np.ndim(a)))
    return (1 - t) * a + t * b
