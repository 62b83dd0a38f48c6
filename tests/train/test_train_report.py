"""History and run reports: the figures are real PNGs, the confusion matrix is sklearn's."""

import json

import matplotlib.image
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from profond.train.history import History
from profond.train.report import confusion_matrix, write_outputs

PNG = b"\x89PNG\r\n\x1a\n"


def _history(with_val=True):
    history = History()
    for epoch in range(1, 6):
        logs = {"epoch": epoch, "lr": 0.1, "loss": 1 / epoch, "acc": 1 - 1 / (epoch + 1)}
        if with_val:
            logs.update(val_loss=1.2 / epoch, val_acc=0.9 - 1 / (epoch + 2))
        history.append(logs)
    return history


def test_history_lists_and_to_dict():
    history = _history()
    assert len(history) == 5 and history.epoch == [1, 2, 3, 4, 5]
    assert history.to_dict()["val_loss"] == pytest.approx([1.2, 0.6, 0.4, 0.3, 0.24])
    assert json.loads(json.dumps(history.to_dict()))["acc"][0] == 0.5
    assert _history(with_val=False).val_acc == []


def test_history_plot_writes_a_png_image(tmp_path):
    path = tmp_path / "sub" / "curves.png"
    _history().plot(path)
    assert path.read_bytes()[:8] == PNG
    height, width, _ = matplotlib.image.imread(path).shape
    assert width > height > 100  # two panels side by side
    History(epoch=[1], loss=[0.5]).plot(tmp_path / "loss_only.png")
    assert (tmp_path / "loss_only.png").read_bytes()[:8] == PNG


@pytest.mark.filterwarnings("ignore:A single label was found")
def test_history_plot_returns_its_figure_with_whole_epochs_title_and_given_labels():
    french = {"epoch": "époque", "loss": "perte", "acc": "exactitude", "train": "entraînement"}
    fig = _history().plot(title="MLP sur digits", labels=french)
    loss, acc = fig.axes
    assert fig.get_suptitle() == "MLP sur digits"
    assert (loss.get_xlabel(), loss.get_ylabel(), acc.get_ylabel()) == ("époque", "perte",
                                                                       "exactitude")
    assert [t.get_text() for t in loss.get_legend().get_texts()] == ["entraînement", "validation"]
    fig.canvas.draw()
    ticks = [t for t in loss.get_xticks() if 1 <= t <= 5]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no epoch 2.5


def test_live_curves_shows_one_figure_and_redraws_it_each_epoch():
    from profond.train.history import LiveCurves
    from profond.train.trainer import Trainer

    class Handle:
        updates = []

        def update(self, figure):
            self.updates.append(figure)

    shown = []

    def display(figure, display_id):
        shown.append((figure, display_id))
        return Handle()

    class Learner:
        lr = 0.1

        def prepare(self, X, y):
            return X, y

        def train_batch(self, data, idx):
            return 1.0

        def evaluate(self, data):
            return {"loss": 0.5, "acc": 0.75}

    live = LiveCurves(title="t", display=display)
    Trainer(3, 4).fit(Learner(), (np.zeros((8, 1)), np.zeros(8)))  # no callback: nothing shown
    Trainer(3, 4, callbacks=[live]).fit(Learner(), (np.zeros((8, 1)), np.zeros(8)))
    assert len(shown) == 1 and shown[0][1] is True and len(Handle.updates) == 2
    last = Handle.updates[-1]
    assert last.get_suptitle() == "t" and list(last.axes[0].lines[0].get_xdata()) == [1, 2, 3]


@settings(max_examples=30, deadline=None)
@given(k=st.integers(1, 6), data=st.data())
def test_confusion_matrix_equals_sklearn(k, data):
    n = data.draw(st.integers(1, 40))
    y_true = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y_pred = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    expected = sk_confusion_matrix(y_true, y_pred, labels=list(range(k)))
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, k), expected)


def test_write_outputs_writes_curves_matrix_and_final_json(tmp_path):
    y_true, y_pred = np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2])
    written = write_outputs(tmp_path, _history(), {"test_acc": 0.75}, y_true, y_pred,
                            ["a", "b", "c"])
    assert written["learning_curves"].read_bytes()[:8] == PNG
    assert written["confusion_matrix"].read_bytes()[:8] == PNG
    assert json.loads(written["final"].read_text()) == {"test_acc": 0.75}
    regression = write_outputs(tmp_path / "reg", _history(), {}, np.zeros(3), None, [])
    assert "confusion_matrix" not in regression


def test_plot_confusion_matrix_returns_the_counts_as_a_figure(tmp_path):
    from helpers.figures import check_figure
    from profond.train.report import plot_confusion_matrix

    matrix = sk_confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1])
    fig = check_figure(tmp_path, plot_confusion_matrix, matrix, ["a", "b", "c"])
    (ax,) = fig.axes
    np.testing.assert_array_equal(ax.images[0].get_array(), matrix)
    assert [t.get_text() for t in ax.texts] == [str(c) for c in matrix.ravel()]
