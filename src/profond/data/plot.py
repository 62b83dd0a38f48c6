"""One PNG per dataset: a scatter for 2-D points, a grid for images, curves for 1-D signals."""

from pathlib import Path

import numpy as np

from profond.data.dataset import Dataset

PLAYGROUND_COLOURS = ("#f59322", "#0877bd")


def plot_dataset(ds: Dataset, out: str | Path) -> Path:
    """Draw `ds` (its training part) into the PNG `out` and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = ds.X_train
    if X.ndim == 4:
        fig = _image_grid(plt, ds)
    elif X.ndim == 2 and X.shape[1] > 4:
        fig = _curves(plt, ds)
    else:
        fig = _scatter(plt, ds)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


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
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.3))
    for ax, image, label in zip(axes.flat, ds.X_train, ds.y_train, strict=False):
        # (C, H, W) -> (H, W, C) for colour, (H, W) for grey
        picture = image[0] if image.shape[0] == 1 else np.transpose(image, (1, 2, 0))
        ax.imshow(picture, cmap="gray" if image.shape[0] == 1 else None, vmin=0, vmax=1)
        ax.set_title(ds.classes[label] if ds.classes else str(label), fontsize=7)
        ax.axis("off")
    fig.suptitle(ds.name)
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
