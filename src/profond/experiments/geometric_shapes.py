"""Deck 000, geometric deep learning: the same shapes as point clouds, voxels and triangle meshes,
each classified by the network made for it (PointNet, a voxel CNN, a mesh GCN).

All three see the same seeded shapes (six trimesh primitives, randomly rotated, scaled and
jittered) with the same train/test split, and train with the one Trainer and Adam.
"""

import time
from pathlib import Path

import numpy as np
from mpl_toolkits.mplot3d.art3d import Line3DCollection

from profond.experiments.registry import ExperimentResult
from profond.further.geometric.data import REPRESENTATIONS, load_shapes
from profond.further.geometric.models import MeshGCN, PointNet, VoxelCNN
from profond.plotting import pyplot, save_png
from profond.train.recipe import fit_model
from profond.train.torch_learner import seed_everything

# per budget: shapes per class (train, test), points per cloud, epochs, network widths
BUDGETS = {
    True: {"n_train": 20, "n_test": 10, "n_points": 128, "epochs": 12,
           "point_widths": (32, 64, 128), "voxel_channels": (8, 16, 32), "gcn_hidden": 32},
    False: {"n_train": 100, "n_test": 50, "n_points": 256, "epochs": 40,
            "point_widths": (64, 128, 256), "voxel_channels": (16, 32, 64), "gcn_hidden": 64},
}
LR, BATCH = 3e-3, 32
MODELS = {"points": "PointNet", "voxels": "VoxelCNN", "mesh": "MeshGCN"}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per representation: its model, input shape, parameters, test accuracy, seconds."""
    budget = BUDGETS[quick]
    data = load_shapes(budget["n_train"], budget["n_test"], budget["n_points"], seed=seed)
    rows = [_train(rep, data[rep], budget, seed) for rep in REPRESENTATIONS]
    figure = _plot(data, rows, out_dir / "geometric_shapes.png")
    chance = 100 / data["points"].n_classes
    return ExperimentResult(
        name="geometric-shapes", rows=rows,
        title="Six shapes, three representations: test accuracy %",
        figures=[str(figure)],
        claims={"chance %": round(chance, 2),
                "all_above_chance": all(r["test acc %"] > chance for r in rows),
                "test_acc": {r["representation"]: r["test acc %"] / 100 for r in rows}},
        notes=[f"{budget['n_train']} train and {budget['n_test']} test shapes per class "
               f"({', '.join(data['points'].classes)}); {budget['epochs']} epochs of Adam, "
               f"lr {LR:g}, batch {BATCH}.",
               "Points: surface samples; voxels: filled 16^3 occupancy; mesh: vertex xyz with "
               "the normalised adjacency D^-1/2 (A + I) D^-1/2 of the face edges."])


def _model(rep: str, n_classes: int, budget: dict):
    if rep == "points":
        return PointNet(n_classes, widths=budget["point_widths"])
    if rep == "voxels":
        return VoxelCNN(n_classes, channels=budget["voxel_channels"])
    return MeshGCN(n_classes, hidden=budget["gcn_hidden"])


def _train(rep: str, data, budget: dict, seed: int) -> dict:
    seed_everything(seed)
    model = _model(rep, data.n_classes, budget)
    start = time.process_time()
    learner, _ = fit_model(model, (data.X_train, data.y_train), epochs=budget["epochs"], lr=LR,
                           batch_size=BATCH, seed=seed, eval_train=False)
    acc = learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"]
    return {"representation": rep, "model": MODELS[rep],
            "input": "x".join(str(d) for d in data.input_shape),
            "parameters": sum(p.numel() for p in model.parameters()),
            "test acc %": round(100 * acc, 2),
            "CPU s": round(time.process_time() - start, 1)}


def _plot(data: dict, rows: list[dict], path: Path) -> Path:
    """One example per class in each representation (rows), and the accuracy bars."""
    plt = pyplot()

    classes = data["points"].classes
    first = [int(np.flatnonzero(data["points"].y_test == c)[0]) for c in range(len(classes))]
    fig = plt.figure(figsize=(2.2 * len(classes) + 4, 7))
    grid = fig.add_gridspec(3, len(classes) + 2)
    for col, i in enumerate(first):
        for row, (rep, draw) in enumerate(_DRAW.items()):
            ax = fig.add_subplot(grid[row, col], projection="3d")
            draw(ax, data[rep].X_test[i])
            ax.set_box_aspect((1, 1, 1))
            ax.set_axis_off()
            ax.set_title(f"{classes[col]}, {rep}" if row == 0 else rep, fontsize=9)
    bars = fig.add_subplot(grid[:, len(classes):])
    accs = [r["test acc %"] for r in rows]
    bars.bar([f"{r['representation']}\n{r['model']}" for r in rows], accs, color="tab:blue")
    bars.axhline(100 / len(classes), color="grey", linestyle="--", label="chance")
    for x, acc in enumerate(accs):
        bars.text(x, acc + 1, f"{acc:.1f}", ha="center")
    bars.set(ylim=(0, 105), ylabel="test accuracy %", title="Same shapes, same split")
    bars.legend()
    fig.tight_layout()
    return save_png(fig, path, dpi=90)


def _draw_points(ax, X) -> None:
    ax.scatter(X[:, 0], X[:, 1], X[:, 2], s=2, c=X[:, 2], cmap="viridis")
    ax.set(xlim=(-1, 1), ylim=(-1, 1), zlim=(-1, 1))


def _draw_voxels(ax, X) -> None:
    ax.voxels(X[0] > 0.5, facecolors="tab:orange", edgecolor="k", linewidth=0.1)


def _draw_mesh(ax, X) -> None:
    """Edges are the off-diagonal non-zeros of Â; padded vertices have an empty row."""
    xyz, A_hat = X[:, :3], X[:, 3:]
    i, j = (A_hat > 0).nonzero()
    keep = i < j
    ax.add_collection3d(Line3DCollection(np.stack([xyz[i[keep]], xyz[j[keep]]], axis=1),
                                         linewidths=0.4, colors="tab:green"))
    ax.set(xlim=(-1, 1), ylim=(-1, 1), zlim=(-1, 1))


_DRAW = {"points": _draw_points, "voxels": _draw_voxels, "mesh": _draw_mesh}
