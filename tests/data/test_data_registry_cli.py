"""The dataset registry, `profond data list|show`, and a light `import profond.data`."""

import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import profond.data
from helpers.figures import check_figure, points
from profond.cli import app
from profond.data import Dataset
from profond.data.plot import plot_dataset

NAMES = ("circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "moons", "blobs", "spirals",
         "digits", "iris", "mnist1d", "mnist", "fashion-mnist", "cifar10")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path / "cache"))


def test_registry_names_and_entries():
    assert profond.data.names() == NAMES
    for name in NAMES:
        entry = profond.data.info(name)
        assert entry.task in ("classification", "regression") and entry.description
        assert entry.offline == (name not in ("mnist", "fashion-mnist", "cifar10"))
    assert profond.data.info("reg-gauss").n_classes == 0
    assert profond.data.info("cifar10").n_train == 50_000


@pytest.mark.parametrize("name", ["circle", "reg-plane", "spirals", "iris", "digits"])
def test_info_sizes_are_what_load_returns(name):
    entry, ds = profond.data.info(name), profond.data.load(name)
    assert (len(ds.y_train), len(ds.y_test), ds.n_classes) == (
        entry.n_train, entry.n_test, entry.n_classes)
    assert ds.task == entry.task and ds.description == entry.description


def test_toy_options_reach_the_generator():
    ds = profond.data.load("blobs", n_samples=90, noise=0.1, train_ratio=0.8, seed=4, n_classes=5)
    assert len(ds.y_train) == 72 and ds.n_classes == 5 and ds.meta["noise"] == 0.1
    assert set(np.unique(np.concatenate([ds.y_train, ds.y_test]))) == set(range(5))


def test_load_rejects_unknown_names_and_options():
    with pytest.raises(ValueError, match=r"name: expected one of 'circle', .*; got 'mnist2'"):
        profond.data.load("mnist2")
    with pytest.raises(ValueError, match=r"options: 'circle' takes n_samples, noise, train_ratio, "
                                         r"seed; got n_classes"):
        profond.data.load("circle", n_classes=3)
    with pytest.raises(ValueError, match=r"options: 'mnist' takes no options; got seed"):
        profond.data.load("mnist", seed=1)


def test_import_profond_data_stays_light():
    code = ("import sys, profond.data; "
            "print(sorted(m for m in ('sklearn', 'torch', 'matplotlib', 'mnist1d', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_data_list_shows_every_dataset():
    result = CliRunner().invoke(app, ["data", "list"])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.output
    assert "classification" in result.output and "regression" in result.output


def test_cli_data_show_writes_a_png(tmp_path):
    out = tmp_path / "figs" / "c.png"
    result = CliRunner().invoke(app, ["data", "show", "circle", "--out", str(out),
                                      "--noise", "0.2", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == PNG and str(out) in result.output


def test_cli_data_show_defaults_to_name_png_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["data", "show", "reg-gauss"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reg-gauss.png").read_bytes()[:8] == PNG


@pytest.mark.parametrize("args, message", [
    (["nope"], "name: expected one of 'circle', "),
    (["spirale"], "got 'spirale' (did you mean 'spiral'?)"),
    (["digits", "--noise", "0.1"], "--noise: 'digits' does not take it"),
    (["circle", "--noise", "0.9"], "noise: expected a number in [0.0, 0.5]; got 0.9"),
])
def test_cli_data_show_errors_are_one_clear_line(args, message):
    result = CliRunner().invoke(app, ["data", "show", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("shape, task", [((12, 1, 8, 8), "classification"),
                                         ((12, 3, 32, 32), "classification"),
                                         ((12, 40), "classification"),
                                         ((12, 2), "regression")])
def test_plot_dataset_draws_images_curves_and_scatters(tmp_path, shape, task):
    rng = np.random.default_rng(0)
    X = rng.random(shape, dtype=np.float32)
    y = np.arange(12) % 3 if task == "classification" else rng.uniform(-1, 1, 12)
    ds = Dataset("tiny", X, y, X, y, task, classes=["a", "b", "c"] if task != "regression" else [])
    fig = check_figure(tmp_path, plot_dataset, ds)
    (ax,) = fig.axes[:1]
    if len(shape) == 4:  # one mosaic of the images, a class name on each
        assert len(ax.images) == 1 and [t.get_text() for t in ax.texts] == ["a", "b", "c"] * 4
    elif shape[1] > 4:  # the first signal of each class, one line each
        np.testing.assert_array_equal(ax.lines[0].get_ydata(), X[0])
        assert len(ax.lines) == 3
    else:  # every training point, placed at its first two features
        assert points(ax) == len(ds.y_train)
        np.testing.assert_array_equal(ax.collections[0].get_offsets(), X[:, :2])
