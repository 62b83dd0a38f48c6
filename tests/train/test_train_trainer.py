"""The one Trainer, driven by a tiny scripted learner whose expected behaviour is worked by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.train.callbacks import Callback, EarlyStopping, TrainingDiverged
from profond.train.trainer import Trainer


class Recorder:
    """Records the index batches it sees; its loss is 1 / (number of steps taken)."""

    def __init__(self, lr=0.1, bad_loss_at=None, bad_loss=math.nan, val_losses=None):
        self.lr = lr
        self.batches = []
        self.steps = 0
        self.bad_loss_at, self.bad_loss = bad_loss_at, bad_loss
        self.val_losses = list(val_losses or [])
        self.evaluations = 0

    def prepare(self, X, y):
        return ("val" if X[0, 0] < 0 else "train", X, y)  # validation inputs are negative

    def train_batch(self, data, idx):
        self.batches.append(idx.copy())
        self.steps += 1
        if self.steps == self.bad_loss_at:
            return self.bad_loss
        return 1.0 / self.steps

    def evaluate(self, data):
        if data[0] == "val":
            self.evaluations += 1
            loss = self.val_losses[self.evaluations - 1]
            return {"loss": loss, "acc": 1.0 - loss}
        return {"loss": 2.0, "acc": 0.25}

    def predict(self, X):
        return np.zeros((len(X), 2))

    def state_dict(self):
        return {"steps": np.array([self.steps])}

    def load_state_dict(self, state):
        self.steps = int(state["steps"][0])


def _data(n):
    return np.arange(n, dtype=np.float32)[:, None], np.zeros(n, dtype=np.int64)


def _val(n=3):
    return -1 - np.arange(n, dtype=np.float32)[:, None], np.zeros(n, dtype=np.int64)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_every_epoch_visits_each_example_once_in_ceil_n_over_b_batches(n, batch_size, seed):
    learner, epochs = Recorder(), 3
    Trainer(epochs, batch_size, seed=seed).fit(learner, _data(n))
    steps = math.ceil(n / batch_size)
    assert len(learner.batches) == epochs * steps
    for e in range(epochs):
        batches = learner.batches[e * steps:(e + 1) * steps]
        assert [len(b) for b in batches[:-1]] == [batch_size] * (steps - 1)
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))


def test_order_changes_every_epoch_and_is_reproducible_from_the_seed():
    orders = []
    for _ in range(2):
        learner = Recorder()
        Trainer(5, 8, seed=3).fit(learner, _data(50))
        orders.append([np.concatenate(learner.batches[e * 7:(e + 1) * 7]) for e in range(5)])
    epochs = [tuple(o) for o in orders[0]]
    assert len(set(epochs)) == 5, "two epochs saw the examples in the same order"
    assert all(np.array_equal(a, b) for a, b in zip(*orders, strict=True))


def test_shuffle_false_keeps_the_data_order():
    learner = Recorder()
    Trainer(2, 4, shuffle=False).fit(learner, _data(10))
    assert [b.tolist() for b in learner.batches[:3]] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_history_records_train_and_val_metrics_each_epoch():
    learner = Recorder(val_losses=[3.0, 2.0])
    history = Trainer(2, 5).fit(learner, _data(10), val=_val())
    assert history.epoch == [1, 2]
    assert history.loss == [2.0, 2.0] and history.acc == [0.25, 0.25]
    assert history.val_loss == [3.0, 2.0] and history.val_acc == [-2.0, -1.0]
    assert history.lr == [0.1, 0.1]


def test_without_eval_train_the_logged_loss_is_the_mean_batch_loss():
    history = Trainer(2, 5, eval_train=False).fit(Recorder(), _data(10))
    # steps 1, 2 in epoch 1 and 3, 4 in epoch 2; the loss of step s is 1 / s
    assert history.loss == pytest.approx([(1 + 1 / 2) / 2, (1 / 3 + 1 / 4) / 2])
    assert history.acc == []


def test_callback_hooks_run_in_order_and_stop_training_ends_the_run():
    calls = []

    class Spy(Callback):
        def on_train_begin(self):
            calls.append("begin")

        def on_epoch_begin(self, epoch):
            calls.append(f"e{epoch}")

        def on_batch_end(self, step, loss):
            calls.append(f"s{step}")

        def on_epoch_end(self, epoch, logs):
            calls.append(f"end{epoch}")
            self.trainer.stop_training = epoch == 2

        def on_train_end(self):
            calls.append("done")

    history = Trainer(10, 2, callbacks=[Spy()]).fit(Recorder(), _data(4))
    assert calls == ["begin", "e1", "s1", "s2", "end1", "e2", "s1", "s2", "end2", "done"]
    assert len(history) == 2


def test_early_stopping_stops_after_patience_and_restores_the_best_epoch():
    # val loss per epoch: best at epoch 2, then 2 epochs without improvement -> stop after epoch 4
    learner = Recorder(val_losses=[1.0, 0.5, 0.7, 0.6, 0.1, 0.1])
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    history = Trainer(6, 5, callbacks=[stopper]).fit(learner, _data(10), val=_val())
    assert history.epoch == [1, 2, 3, 4]
    assert learner.steps == 4, "the state of epoch 2 (2 steps per epoch) was not restored"


def test_early_stopping_on_accuracy_looks_for_a_maximum():
    # val acc = 1 - val loss: 0, 0.5, 0.3, 0.4 -> best at epoch 2, stop after epoch 4
    learner = Recorder(val_losses=[1.0, 0.5, 0.7, 0.6, 0.1, 0.1])
    stopper = EarlyStopping(monitor="val_acc", patience=2)
    history = Trainer(6, 5, callbacks=[stopper]).fit(learner, _data(10), val=_val())
    assert history.epoch == [1, 2, 3, 4]
    assert learner.steps == 4


def test_early_stopping_ignores_improvements_below_min_delta():
    learner = Recorder(val_losses=[1.0, 0.95, 0.5, 0.4])
    stopper = EarlyStopping(monitor="val_loss", patience=1, min_delta=0.1,
                            restore_best_weights=False)
    assert Trainer(4, 10, callbacks=[stopper]).fit(learner, _data(10), val=_val()).epoch == [1, 2]
    with pytest.raises(KeyError, match=r"monitor: expected one of .*'val_loss'.*; got 'val_los'"):
        trainer = Trainer(1, 10, callbacks=[EarlyStopping("val_los")])
        trainer.fit(Recorder(val_losses=[1.0]), _data(2), _val())


@pytest.mark.parametrize(("bad", "word"), [
    (math.nan, "became nan"), (math.inf, "became inf"), (-math.inf, "became inf"),
    (2e6, "exploded to 2e+06 (over 1e+06 x the first batch's 1)")])
def test_divergence_message_names_epoch_step_and_lr(bad, word):
    # 10 examples, batch 4 -> 3 steps per epoch: global step 5 is epoch 2, step 2
    learner = Recorder(lr=0.5, bad_loss_at=5, bad_loss=bad)
    with pytest.raises(TrainingDiverged) as info:
        Trainer(3, 4).fit(learner, _data(10))
    assert str(info.value) == (f"loss {word} at epoch 2 step 2; "
                               "try a lower learning rate (got lr=0.5)")
    assert learner.steps == 5


def test_epochs_yields_each_epoch_as_fit_runs_it_and_closing_ends_training():
    calls = []

    class Spy(Callback):
        def on_epoch_end(self, epoch, logs):
            calls.append(f"end{epoch}")

        def on_train_end(self):
            calls.append("done")

    learner = Recorder()
    trainer = Trainer(None, 5, seed=3, callbacks=[Spy()], eval_train=False)
    run = trainer.epochs(learner, _data(10))
    logs = [next(run) for _ in range(3)]
    assert [entry["epoch"] for entry in logs] == [1, 2, 3] and trainer.epoch == 3
    assert calls == ["end1", "end2", "end3"]
    run.close()
    assert calls[-1] == "done"
    # the same seed and batch size under fit: the same batches, epoch by epoch
    twin = Recorder()
    Trainer(3, 5, seed=3, eval_train=False).fit(twin, _data(10))
    assert [b.tolist() for b in twin.batches] == [b.tolist() for b in learner.batches]


def test_without_a_divergence_stop_a_nan_loss_is_logged_not_raised():
    learner = Recorder(bad_loss_at=1, bad_loss=math.nan)
    run = Trainer(None, 10, eval_train=False, stop_on_divergence=False).epochs(learner, _data(10))
    assert math.isnan(next(run)["loss"])
    assert next(run)["loss"] == pytest.approx(1 / 2)


def test_bad_trainer_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"batch_size: expected an integer >= 1; got 0"):
        Trainer(1, 0)
    with pytest.raises(ValueError, match=r"max_epochs: expected an integer >= 1; got 1.5"):
        Trainer(1.5, 4)
    with pytest.raises(ValueError, match=r"max_epochs: expected a number of epochs for fit; "
                                         r"got None"):
        Trainer(None, 4).fit(Recorder(), _data(2))
    with pytest.raises(ValueError, match=r"train: expected at least one example; got 0"):
        Trainer(1, 4).fit(Recorder(), _data(0))
    with pytest.raises(ValueError, match=r"X and y: expected the same length; got 3 and 2"):
        Trainer(1, 4).fit(Recorder(), (np.zeros((3, 1)), np.zeros(2)))


def test_fit_takes_a_dataset_train_split():
    from profond.data.dataset import Dataset

    X, y = _data(6)
    dataset = Dataset("tiny", X, y, X[:2], y[:2], "classification", ["a"])
    learner = Recorder()
    Trainer(1, 4, shuffle=False).fit(learner, dataset)
    assert [b.tolist() for b in learner.batches] == [[0, 1, 2, 3], [4, 5]]


def test_progress_bar_shows_epoch_steps_loss_and_metrics():
    import io

    from rich.console import Console

    from profond.train.callbacks import ProgressBar

    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    Trainer(2, 5, callbacks=[ProgressBar(console)]).fit(Recorder(val_losses=[0.5, 0.25]),
                                                         _data(10), val=_val())
    text = out.getvalue()
    assert "epoch 2/2" in text and "2/2 loss 2.0000" in text
    assert "acc 0.2500" in text and "val_loss 0.2500" in text and "val_acc 0.7500" in text
