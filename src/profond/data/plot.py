"""One figure per dataset: a scatter for 2-D points, a grid for images, curves for 1-D signals."""

from pathlib import Path

import numpy as np

from profond.data.dataset import Dataset

PLAYGROUND_COLOURS = ("#f59322", "#0877bd")


def plot_dataset(ds: Dataset, out: str | Path | None = None):
    """`ds` (its training part) drawn as a matplotlib Figure; written as the PNG `out` too when
    given."""
    from profond.plotting import finish, pyplot

    plt = pyplot()

    X = ds.X_train
    if X.ndim == 4:
        fig = _image_grid(plt, ds)
    elif X.ndim == 2 and X.shape[1] > 4:
        fig = _curves(plt, ds)
    else:
        fig = _scatter(plt, ds)
    return finish(fig, out)


def _scatter(plt, ds):
    """Points by class (or a colour map of the target); beyond 2 features, the first two."""
    fig, ax = plt.subplots(figsize=(5, 5))
    x1, x2 = ds.X_train[:, 0], ds.X_train[:, 1]
    if ds.task == "regression":
        points = ax.scatter(x1, x2, c=ds.y_train, cmap="RdBu", s=12, vmin=-1, vmax=1)
        fig.colorbar(points, ax=ax, label="target")
    else:
        # Two classes take the playground's colours: orange for its -1 (class 0), blue for +1.
        colours = PLAYGROUND_COLOURS if ds.n_classes == 2 else [None] * ds.n_classes
        for c, (name, colour) in enumerate(zip(ds.classes, colours, strict=True)):
            keep = ds.y_train == c
            ax.scatter(x1[keep], x2[keep], s=12, label=name, color=colour)
        ax.legend(title="class", fontsize="small")
    ax.set(title=f"{ds.name} (train, {len(ds.y_train)} points)", xlabel="x1", ylabel="x2")
    fig.tight_layout()
    return fig


def _image_grid(plt, ds, rows=4, cols=8):
    """The first rows x cols training images tiled into one picture, each with its class name."""
    images = ds.X_train[: rows * cols]
    n, C, H, W = images.shape
    tiles = np.ones((rows * cols, H + 1, W + 1, C), dtype=np.float32)  # 1-pixel white gutters
    tiles[:n, :H, :W] = np.transpose(images, (0, 2, 3, 1))
    mosaic = tiles.reshape(rows, cols, H + 1, W + 1, C).transpose(0, 2, 1, 3, 4)
    mosaic = mosaic.reshape(rows * (H + 1), cols * (W + 1), C)
    fig, ax = plt.subplots(figsize=(cols * 1.1, rows * 1.2))
    ax.imshow(mosaic[..., 0] if C == 1 else mosaic, cmap="gray", vmin=0, vmax=1)
    for i, label in enumerate(ds.y_train[:n]):
        name = ds.classes[label] if ds.classes else str(label)
        ax.text((i % cols) * (W + 1), (i // cols) * (H + 1), name, fontsize=7, va="top",
                color="yellow", bbox={"facecolor": "black", "alpha": 0.5, "pad": 1})
    ax.set(title=ds.name)
    ax.axis("off")
    fig.tight_layout()
    return fig


def _curves(plt, ds):
    """The first example of each class, one signal per row, offset so they do not overlap."""
    fig, ax = plt.subplots(figsize=(6, 7))
    for c, name in enumerate(ds.classes):
        hits = np.flatnonzero(ds.y_train == c)
        if hits.size:
            ax.plot(ds.X_train[hits[0]] - 4 * c)
            ax.text(ds.X_train.shape[1] + 0.5, -4 * c, name, va="center", fontsize=8)
    ax.set(title=f"{ds.name}: one training signal per class", xlabel="position", yticks=[])
    fig.tight_layout()
    return fig
