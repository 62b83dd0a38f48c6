"""An MLP on the digits, trained by a hand-written loop; twins: mlp_scratch.py, mlp_torch.py.

mlp_scratch.py runs on profond's white-box NumPy engine, mlp_torch.py on PyTorch.
`diff examples/mlp_scratch.py examples/mlp_torch.py` shows all that differs: the imports and the
backward call (explicit on the engine: the loss hands dL/dlogits to the model; autograd in torch).
"""

import argparse

import numpy as np
from torch import as_tensor as tensor
from torch import manual_seed, nn, optim

from profond.data import load
from profond.data.split import Standardizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    digits = load("digits")
    scaler = Standardizer().fit(digits.X_train.reshape(len(digits.X_train), -1))
    X_train = tensor(scaler.transform(digits.X_train.reshape(len(digits.X_train), -1)))
    X_test = tensor(scaler.transform(digits.X_test.reshape(len(digits.X_test), -1)))
    y_train, y_test = tensor(digits.y_train), tensor(digits.y_test)

    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                          nn.Linear(32, 10))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(y_train))  # a new order every epoch
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        model.eval()
        correct = int((model(X_test).argmax(1) == y_test).sum())
        print(f"epoch {epoch:3d}  loss {loss:.4f}  test acc {correct / len(y_test):.4f}")


if __name__ == "__main__":
    main()
