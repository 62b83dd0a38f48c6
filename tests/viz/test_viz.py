"""Pictures of a trained CNN: filters and activations, from a model or from a run folder."""

import json
import re

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file
from typer.testing import CliRunner

from helpers.figures import check_figure
from profond.cli import app
from profond.data import load
from profond.models.conv import LeNet5 as TorchLeNet5
from profond.scratch import manual_seed
from profond.scratch.models import MNIST1DCNN, LeNet5
from profond.viz.activations import plot_activations
from profond.viz.filters import first_conv_weight, plot_filters

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG_SIGNATURE


@pytest.mark.parametrize("model, x", [(MNIST1DCNN(), np.sin(np.arange(40.0))),
                                      (LeNet5(image_size=8), np.ones((1, 8, 8)))])
def test_plots_from_a_model(tmp_path, model, x):
    W = first_conv_weight(model)
    assert W is model.conv1.weight.data
    filters = check_figure(tmp_path / "filters", plot_filters, model)
    titled = [ax.get_title() for ax in filters.axes if ax.get_title()]
    assert titled == [f"filter {f}" for f in range(W.shape[0])]
    activations = check_figure(tmp_path / "activations", plot_activations, model, x)
    (bars,) = activations.axes[-1].containers  # the predicted probabilities, summing to 1
    assert len(bars) == 10 and sum(b.get_height() for b in bars) == pytest.approx(1.0)


def test_the_activations_figure_has_a_title():
    english = plot_activations(LeNet5(image_size=8), np.ones((1, 8, 8)))
    french = plot_activations(LeNet5(image_size=8), np.ones((1, 8, 8)),
                              title="Les sorties de chaque couche")
    assert [fig._suptitle.get_text() for fig in (english, french)] == [
        "Every layer's output for one input", "Les sorties de chaque couche"]


def test_the_figures_words_can_be_french():
    model = LeNet5(image_size=8)
    filters = plot_filters(model, labels={"filter": "filtre {}",
                                          "title": "Filtres de la première couche {}"})
    assert filters._suptitle.get_text() == "Filtres de la première couche (6, 1, 5, 5)"
    assert filters.axes[0].get_title() == "filtre 0"
    acts = plot_activations(model, np.ones((1, 8, 8)), classes=list("abcdefghij"),
                            labels={"input": "entrée", "probs": "probabilités (classe {})"})
    titles = [ax.get_title(loc="left") for ax in acts.axes if ax.get_title(loc="left")]
    assert titles[0] == "entrée (1, 8, 8)" and "input" not in " ".join(titles)
    probs = [b.get_height() for b in acts.axes[-1].containers[0]]
    assert acts.axes[-1].get_title() == f"probabilités (classe {'abcdefghij'[np.argmax(probs)]})"


def test_a_model_without_convolution_is_refused(tmp_path):
    from profond.scratch.nn import Linear

    with pytest.raises(ValueError, match="model: expected a convolutional layer; Linear has none"):
        plot_filters(Linear(3, 2), tmp_path / "f.png")


def _run_folder(tmp_path, model_name, weights, data):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(
        {"model": model_name, "data": data, "val_fraction": 0.1, "seed": 0}))
    save_file({k: np.ascontiguousarray(v) for k, v in weights.items()},
              str(folder / "model.safetensors"))
    return folder


def test_cli_finds_a_stored_run_by_a_prefix_of_its_id(tmp_path, monkeypatch):
    from profond.train.runs import RunStore

    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    manual_seed(0)
    folder = _run_folder(tmp_path, "mnist1d-cnn", MNIST1DCNN(channels=6).state_dict(), "mnist1d")
    config = json.loads((folder / "config.json").read_text())
    RunStore().create(config, run_id="20261129-090554-mnist1d-cnn-s0-da59", folder=folder)
    result = CliRunner().invoke(app, ["viz", "filters", "20261129-0905"])
    assert result.exit_code == 0, result.output
    assert _is_png(folder / "filters.png")


def test_cli_filters_and_activations_from_a_scratch_run(tmp_path):
    manual_seed(0)
    folder = _run_folder(tmp_path, "mnist1d-cnn", MNIST1DCNN(channels=6).state_dict(), "mnist1d")
    result = CliRunner().invoke(app, ["viz", "filters", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    assert _is_png(folder / "filters.png")
    assert json.loads(result.stdout.strip().splitlines()[-1])["figure"].endswith("filters.png")
    result = CliRunner().invoke(app, ["viz", "activations", str(folder), "--index", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert _is_png(folder / "activations-2.png")
    assert json.loads(result.stdout.strip().splitlines()[-1])["label"] == str(
        load("mnist1d").y_test[2])


def test_cli_reads_a_torch_run_of_the_twin(tmp_path):
    torch.manual_seed(0)
    weights = {k: v.numpy() for k, v in TorchLeNet5(image_size=8).state_dict().items()}
    folder = _run_folder(tmp_path, "lenet5", weights, "digits")
    out = tmp_path / "maps.png"
    result = CliRunner().invoke(app, ["viz", "activations", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _is_png(out)


@pytest.mark.parametrize("config, args, message", [
    (None, [], "RUN: expected a run folder with config.json"),
    ({"model": "mlp", "data": "digits"}, [], "config.json model: expected one of mnist1d-cnn, "
                                             "lenet5; got 'mlp'"),
    ({"model": "lenet5", "data": "digits"}, ["--index", "-1"],
     r"--index: expected an integer in \[0, 359\]; got -1"),
])
def test_cli_errors_are_named(tmp_path, config, args, message):
    folder = tmp_path / "run"
    folder.mkdir()
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config))
        manual_seed(0)
        save_file(LeNet5(image_size=8).state_dict(), str(folder / "model.safetensors"))
    result = CliRunner().invoke(app, ["viz", "activations", str(folder), *args])
    assert result.exit_code == 2
    assert re.search(message, " ".join(result.output.split()))


def test_viz_reads_what_profond_train_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    folder = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", "lenet5", "--engine", "scratch", "--data", "digits",
                                      "--epochs", "1", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["viz", "filters", str(folder)])
    assert result.exit_code == 0, result.output
    assert _is_png(folder / "filters.png")
