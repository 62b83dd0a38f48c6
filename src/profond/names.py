"""One table of names each for the models, optimizers, activations and losses.

The command line's choices, the lab's menus, validation messages and the docs read these tables;
the builders (`profond.models`, `profond.scratch.models`, `profond.train.recipe`, the lab's engine)
map the same names to classes, and tests check that each builder covers its table. A leaf module:
importing it costs no torch, so `profond --help` stays fast.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelName:
    """A model as people choose it: one line of description, the engines that can train it."""

    help: str
    engines: tuple[str, ...] = ("torch", "scratch")


MODELS: dict[str, ModelName] = {
    "logistic": ModelName("Logistic regression: one Linear layer on the flattened input"),
    "mlp": ModelName("Multilayer perceptron: Linear + activation per hidden layer, optional "
                     "residual"),
    "mnist1d-cnn": ModelName("MNIST-1D paper's CNN: 3 Conv1d (25 channels, stride 2) + Linear "
                             "125->10"),
    "gru": ModelName("MNIST-1D paper's GRU: bidirectional, hidden 6, Linear over all time steps"),
    "rnn": ModelName("Elman RNN (tanh), the GRU's recipe: bidirectional, hidden 6, Linear over "
                     "all steps"),
    "lstm": ModelName("LSTM with the GRU's recipe: bidirectional, hidden 6, Linear over all time "
                      "steps"),
    "transformer": ModelName("Transformer encoder: patch embedding + learned positions, 2 pre-norm "
                             "layers, mean pool", engines=("torch",)),
    "lenet5": ModelName("LeNet-5: two conv/max-pool stages and three Linear layers (ReLU)"),
    "alexnet-small": ModelName("Small AlexNet for CIFAR-10: 3 conv/pool stages, dropout on the FC "
                               "layers", engines=("torch",)),
}

# torch.optim's classes; "momentum" is SGD with momentum 0.9, as TensorFlow Playground's menu
OPTIMIZERS: dict[str, str] = {
    "sgd": "stochastic gradient descent: w -= lr * grad",
    "momentum": "SGD with momentum 0.9: v = 0.9 v + grad; w -= lr * v",
    "adagrad": "Adagrad: the step of each weight shrinks with its summed squared gradients",
    "adam": "Adam: momentum and per-weight scaling by running moments of the gradient",
}

ACTIVATIONS: dict[str, str] = {
    "relu": "max(0, z)",
    "tanh": "tanh(z)",
    "sigmoid": "1 / (1 + exp(-z))",
    "leaky-relu": "max(0.01 z, z)",
    "linear": "z (no non-linearity)",
}

# what the task implies: cross-entropy on logits for classes, mean squared error for values
LOSSES: dict[str, str] = {
    "cross-entropy": "-log softmax(z)_y, averaged over the batch (classification)",
    "mse": "mean of (y_hat - y)^2 (regression)",
}

# learning-rate schedules a training recipe may use
SCHEDULES: dict[str, str] = {
    "constant": "the same learning rate at every step",
    "onecycle": "linear warm-up over the first 20 % of steps, then cosine decay to 0",
}

ENGINES: dict[str, str] = {
    "torch": "PyTorch (profond.models, torch.optim): fast, GPU, several processes",
    "scratch": "the white-box NumPy engine (profond.scratch): every backward pass written out",
}


def loss_for(task: str) -> str:
    """The loss name a task trains with: cross-entropy for classification, mse otherwise."""
    return "cross-entropy" if task == "classification" else "mse"


def subset(table: dict, *keep: str) -> tuple[str, ...]:
    """The names `keep` of `table`, in that order: a front end that offers a few of a table's
    names (the lab's menus) names them here, and a name the table lacks fails at import."""
    missing = [name for name in keep if name not in table]
    if missing:
        raise KeyError(f"names: expected names of the table ({', '.join(table)}); got {missing}")
    return keep
