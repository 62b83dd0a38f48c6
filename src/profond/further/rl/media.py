"""What a run leaves to look at: reward curves as a figure (and PNG), an episode as an animated
GIF."""

from pathlib import Path

import numpy as np

from profond.io import atomic_write


def moving_average(values, window: int) -> np.ndarray:
    """mean(values[max(0, i - window + 1) : i + 1]) for each i: (T,) -> (T,)."""
    values = np.asarray(values, dtype=float)
    sums = np.cumsum(np.insert(values, 0, 0.0))
    starts = np.maximum(np.arange(len(values)) + 1 - window, 0)
    return (sums[1:] - sums[starts]) / (np.arange(len(values)) + 1 - starts)


def plot_returns(curves: dict[str, tuple], out: str | Path | None = None, *, title: str = "",
                 xlabel: str = "environment steps", ylabel: str = "episode return",
                 target: float | None = None, window: int = 20,
                 checks: dict[str, tuple] | None = None):
    """One line per curve, label -> (x, returns), faint raw values under their moving average;
    `checks` (label -> (x, mean greedy return)) as markers; `target`: the level that counts as
    solved. A matplotlib Figure, written as the PNG `out` too when given."""
    from profond.plotting import finish, pyplot

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, (x, returns)) in enumerate(curves.items()):
        colour = f"C{i}"
        ax.plot(x, returns, color=colour, alpha=0.25, linewidth=0.8)
        ax.plot(x, moving_average(returns, window), color=colour,
                label=f"{label} (mean of {window} episodes)")
        if checks and label in checks:
            ax.plot(*checks[label], "o", color=colour, markeredgecolor="k",
                    label=f"{label}: greedy checks")
    if target is not None:
        ax.axhline(target, color="k", linestyle="--", linewidth=1, label=f"solved: {target:g}")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, out)


def save_gif(frames: list[np.ndarray], path: str | Path, *, fps: int = 30, every: int = 1,
             scale: float = 1.0) -> Path:
    """Frames (H, W, 3) uint8, as env.render() returns them with render_mode="rgb_array", to a
    looping GIF keeping one frame in `every`, resized by `scale` (Pillow). Returns the GIF's
    path: an animation is a file, not a matplotlib Figure as the plot_* functions return."""
    from PIL import Image

    if not frames:
        raise ValueError("frames: expected at least 1 frame; got 0")
    images = [Image.fromarray(np.asarray(f, dtype=np.uint8)) for f in frames[::every]]
    if scale != 1.0:
        size = (max(1, round(images[0].width * scale)), max(1, round(images[0].height * scale)))
        images = [im.resize(size, Image.Resampling.BILINEAR) for im in images]
    duration = round(1000 * every / fps)
    return atomic_write(path, lambda tmp: images[0].save(
        tmp, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0))
