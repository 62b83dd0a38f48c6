"""Deck 003, "Limitations - Biais" (Gender Shades): a classifier trained on data where one subgroup
is rare, audited per subgroup, then retrained on a rebalanced set.

Offline stand-in: sklearn digits, task "is the digit odd?" (positive = odd), subgroup = stroke
weight, the image's total ink above ("heavy") or below ("light") the training median. Light
digits are cut to a small fraction of the training set; the test set keeps its natural mix.
"""

from pathlib import Path

from profond.experiments.registry import ExperimentResult

# (fraction of light-ink training digits kept, epochs) by `quick`
BUDGETS = {True: (0.05, 30), False: (0.05, 100)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows as the slide: Classifier, Metric, All, light, heavy (plus the subgroup counts)."""
    from profond.data import load
    from profond.limits.audit import METRICS, audit, ink_groups, rebalance, under_represent

    keep, epochs = BUDGETS[quick]
    data = load("digits")
    y_train, y_test = (data.y_train % 2).astype("int64"), (data.y_test % 2).astype("int64")
    groups, threshold = ink_groups(data.X_train)
    test_groups, _ = ink_groups(data.X_test, threshold)
    skewed = under_represent(groups, "light", keep, seed)
    arms = {"skewed training": skewed,
            "rebalanced (light resampled)": skewed[rebalance(groups[skewed], seed)]}
    rows, claims = [], {}
    for name, idx in arms.items():
        y_pred = _train_predict(data.X_train[idx], y_train[idx], data.X_test, epochs, seed)
        table = audit(y_test, y_pred, test_groups)
        train_counts = {g: int((groups[idx] == g).sum()) for g in ("light", "heavy")}
        rows += [{"Classifier": name, "Metric": m, **table[m]} for m in (*METRICS, "count")]
        rows.append({"Classifier": name, "Metric": "train count", "All": len(idx),
                     **train_counts})
        claims[name] = {"error_light": table["Error Rate (%)"]["light"] / 100,
                        "error_heavy": table["Error Rate (%)"]["heavy"] / 100}
    figure = _plot(rows, METRICS, out_dir / "bias_audit.png")
    return ExperimentResult(
        name="bias-audit", rows=rows,
        title="Subgroup audit on digits (odd vs even; groups by ink, test set)",
        figures=[str(figure)],
        claims=claims,
        notes=[f"Groups: total ink of the 8x8 image vs the training median ({threshold:.1f}); "
               f"the training set keeps {100 * keep:g} % of the light-ink digits.",
               "Rebalanced: the skewed set's light digits resampled with replacement up to the "
               "heavy count (no new data, so only the weighting changes).",
               "Metrics with fairlearn.metrics.MetricFrame; positive class = odd digit."])


def _train_predict(X, y, X_test, epochs: int, seed: int):
    from profond.models import new_model
    from profond.train.recipe import fit_model

    model = new_model("mlp", (1, 8, 8), 2, hidden=(64,), seed=seed)
    learner, _ = fit_model(model, (X, y), epochs=epochs, lr=3e-3, seed=seed, eval_train=False)
    return learner.predict(X_test).argmax(1)


def _plot(rows: list[dict], metrics, path: Path) -> Path:
    """One panel per Gender Shades metric: light and heavy subgroups side by side, per model."""
    import numpy as np

    from profond.plotting import pyplot, save_png

    plt = pyplot()
    arms = list(dict.fromkeys(r["Classifier"] for r in rows))
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3.4), squeeze=False)
    x = np.arange(len(arms))
    for ax, metric in zip(axes[0], metrics, strict=True):
        values = {r["Classifier"]: r for r in rows if r["Metric"] == metric}
        for shift, group in ((-0.2, "light"), (0.2, "heavy")):
            ax.bar(x + shift, [values[a][group] for a in arms], 0.4, label=group)
        ax.set_xticks(x, [a.split(" (")[0] for a in arms], fontsize="small")
        ax.set_title(metric, fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(title="ink", fontsize="small", loc="lower left")
    fig.tight_layout()
    return save_png(fig, path)
