"""Exercises of notebook 04 (deck 003, « Et en pratique ? »): data, optimizers, model selection.

Standardisation is checked against numpy's mean and standard deviation of the training part (and
profond's Standardizer); the SGD step against `profond.scratch.optim.SGD` and torch.optim.SGD with
the same momentum buffer; the model choice against validation tables drawn here, in which the
best training and test scores never sit on the best validation row.
"""

import numpy as np

from profond.exercises import exercise


def _scaling_data(seed: int):
    """Train and other parts whose statistics differ, so that a leak shows in the numbers."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(3, 7))
    scale, shift = rng.uniform(0.5, 20, size=d), rng.uniform(-50, 50, size=d)
    X_train = rng.normal(size=(int(rng.integers(30, 80)), d)) * scale + shift
    X_other = rng.normal(size=(int(rng.integers(10, 30)), d)) * scale * 2 + shift + 3 * scale
    return X_train, X_other


def _standardize_solution():
    def standardiser(X_train, X_autre):
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        return (X_train - mean) / std, (X_autre - mean) / std
    return standardiser


def _standardize_wrong():
    def standardiser(X_train, X_autre):  # statistics of train + other: the other part leaks in
        both = np.concatenate([X_train, X_autre])
        mean, std = both.mean(axis=0), both.std(axis=0)
        return (X_train - mean) / std, (X_autre - mean) / std
    return standardiser


@exercise("practice.standardize",
          "Écrivez standardiser(X_train, X_autre) -> (Z_train, Z_autre) : (x − moyenne) / "
          "écart-type par colonne, statistiques calculées sur X_train seulement.",
          solution=_standardize_solution, wrong=_standardize_wrong,
          function="standardiser(X_train, X_autre)")
def _(answer):
    from profond.data.split import Standardizer

    for seed in (1, 2, 3):
        X_train, X_other = _scaling_data(seed)
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        want = ((X_train - mean) / std, (X_other - mean) / std)
        scaler = Standardizer().fit(X_train)  # the library agrees with the formula
        assert np.allclose(scaler.transform(X_other), want[1], atol=1e-4)
        got = answer(X_train.copy(), X_other.copy())
        assert isinstance(got, tuple) and len(got) == 2, (
            "Attendu un couple (Z_train, Z_autre).")
        z_train, z_other = (np.asarray(z, dtype=float) for z in got)
        assert z_train.shape == X_train.shape and z_other.shape == X_other.shape, (
            f"Pas encore : chaque partie garde sa forme ; attendu {X_train.shape} et "
            f"{X_other.shape}, reçu {z_train.shape} et {z_other.shape}.")
        if np.allclose(z_train, want[0], atol=1e-4) and np.allclose(z_other, want[1], atol=1e-4):
            continue
        both = np.concatenate([X_train, X_other])
        if np.allclose(z_other, (X_other - both.mean(0)) / both.std(0), atol=1e-4):
            hint = ("vos statistiques voient aussi X_autre : c'est une fuite d'information. "
                    "Moyenne et écart-type viennent de X_train seul.")
        elif np.allclose(z_other, (X_other - X_other.mean(0)) / X_other.std(0), atol=1e-4):
            hint = ("X_autre est normalisé avec ses propres statistiques : il faut celles de "
                    "X_train (on ne connaît pas les données de test à l'avance).")
        elif np.allclose(z_train, (X_train - mean) / X_train.std(0, ddof=1), atol=1e-4):
            hint = "prenez l'écart-type de numpy par défaut (ddof=0), comme StandardScaler."
        elif not np.allclose(z_train.mean(axis=0), 0, atol=1e-4):
            hint = "chaque colonne de Z_train doit être de moyenne nulle (axis=0 : par colonne)."
        else:
            hint = "chaque colonne de Z_train doit être d'écart-type 1 (par colonne, axis=0)."
        raise AssertionError(f"Pas encore : {hint}")


def _reference_step(w, g, v, lr, momentum, weight_decay):
    """One step of profond's SGD with the momentum buffer set to v (and torch's, if present)."""
    from profond.scratch.module import Parameter
    from profond.scratch.optim import SGD

    p = Parameter(np.array(w), dtype=np.float64)
    p.grad[...] = g
    opt = SGD([p], lr=lr, momentum=momentum, weight_decay=weight_decay)
    opt.state[0]["momentum_buffer"] = np.array(v, dtype=np.float64)
    opt.step()
    ref = (p.data.copy(), opt.state[0]["momentum_buffer"].copy())
    try:
        import torch
    except ImportError:
        return ref
    t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    t.grad = torch.tensor(g, dtype=torch.float64)
    topt = torch.optim.SGD([t], lr=lr, momentum=momentum, weight_decay=weight_decay)
    topt.state[t]["momentum_buffer"] = torch.tensor(v, dtype=torch.float64)
    topt.step()
    assert np.allclose(t.detach().numpy(), ref[0]), "profond's SGD differs from torch's"
    return ref


def _momentum_solution():
    def pas_sgd(w, g, v, lr, momentum, weight_decay):
        g = g + weight_decay * w
        v = momentum * v + g
        return w - lr * v, v
    return pas_sgd


def _momentum_wrong():
    def pas_sgd(w, g, v, lr, momentum, weight_decay):  # weight decay forgotten
        v = momentum * v + g
        return w - lr * v, v
    return pas_sgd


@exercise("practice.momentum_step",
          "Écrivez pas_sgd(w, g, v, lr, momentum, weight_decay) -> (w_nouveau, v_nouveau) : un "
          "pas de SGD avec inertie et pénalité L2, comme torch.optim.SGD.",
          solution=_momentum_solution, wrong=_momentum_wrong,
          function="pas_sgd(w, g, v, lr, momentum, weight_decay)")
def _(answer):
    rng = np.random.default_rng(21)
    for _ in range(5):
        w, g, v = (rng.normal(size=4) for _ in range(3))
        lr, mu, wd = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.99)), 0.1
        w_want, v_want = _reference_step(w, g, v, lr, mu, wd)
        got = answer(w.copy(), g.copy(), v.copy(), lr, mu, wd)
        assert isinstance(got, tuple) and len(got) == 2, "Attendu un couple (w_nouveau, v_nouveau)."
        w_got, v_got = (np.asarray(a, dtype=float) for a in got)
        assert w_got.shape == w.shape and v_got.shape == v.shape, (
            f"Pas encore : w et v gardent la forme {w.shape} ; reçu {w_got.shape} et "
            f"{v_got.shape}.")
        if np.allclose(w_got, w_want) and np.allclose(v_got, v_want):
            continue
        if np.allclose(v_got, mu * v + g):
            hint = ("la pénalité L2 (weight_decay) est oubliée : elle ajoute weight_decay·w au "
                    "gradient avant l'inertie.")
        elif np.allclose(v_got, mu * v - lr * (g + wd * w)):
            hint = ("vous suivez une autre convention (v contient le pas, −lr·g) : ici, comme "
                    "dans torch.optim.SGD, v accumule les gradients et le pas est −lr·v.")
        elif np.allclose(v_got, v_want):
            hint = "v est juste ; le nouveau w est w − lr·v (le v nouveau)."
        else:
            hint = "v_nouveau = momentum·v + (g + weight_decay·w)."
        raise AssertionError(f"Pas encore : {hint}")


def _table(seed: int) -> list[dict]:
    """A grid search's table in which train, validation and test disagree about the winner."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 10))
    while True:
        val = rng.permutation(np.linspace(0.80, 0.95, n)).round(4)
        test = (val + rng.normal(0, 0.02, n)).round(4)
        train = (val + rng.uniform(0.0, 0.15, n)).clip(max=1.0).round(4)
        best = int(np.argmax(val))
        if int(np.argmax(test)) != best and int(np.argmax(train)) != best:
            break
    lrs, hidden = (1e-3, 3e-3, 1e-2), (32, 64, 128)
    return [{"params": {"lr": lrs[i % 3], "hidden": hidden[(i // 3) % 3]},
             "train_acc": float(train[i]), "val_acc": float(val[i]), "test_acc": float(test[i])}
            for i in range(n)]


def _choose_solution():
    def choisir(table):
        return max(range(len(table)), key=lambda i: table[i]["val_acc"])
    return choisir


def _choose_wrong():
    def choisir(table):  # peeks at the test set
        return max(range(len(table)), key=lambda i: table[i]["test_acc"])
    return choisir


@exercise("practice.select_config",
          "Écrivez choisir(table) : l'indice de la configuration à retenir dans le tableau d'une "
          "recherche d'hyperparamètres.",
          solution=_choose_solution, wrong=_choose_wrong,
          function="choisir(table) qui renvoie un indice")
def _(answer):
    for seed in range(6):
        table = _table(seed)
        want = max(range(len(table)), key=lambda i: table[i]["val_acc"])
        got = answer([dict(row) for row in table])
        assert isinstance(got, int | np.integer) and 0 <= got < len(table), (
            f"Attendu un indice entier entre 0 et {len(table) - 1} ; reçu {got!r}.")
        if got == want:
            continue
        column = {max(range(len(table)), key=lambda i: table[i][k]): k
                  for k in ("test_acc", "train_acc")}.get(int(got))
        if column == "test_acc":
            hint = ("vous avez choisi sur le test : il ne sert qu'une fois, pour mesurer le "
                    "modèle retenu, sinon sa mesure est optimiste.")
        elif column == "train_acc":
            hint = ("le meilleur score d'apprentissage récompense le sur-apprentissage : "
                    "choisissez sur une partie que l'entraînement n'a pas vue.")
        else:
            hint = "retenez la meilleure exactitude (la plus haute) de la bonne colonne."
        raise AssertionError(f"Pas encore : {hint}")
