"""Exercises of notebook 09 (geometric deep learning, deck 000).

Voxelising a point cloud is checked against `numpy.histogramdd` over the same grid; the pooling
of a PointNet against random permutations of the points; the order test on a fresh PointNet
(invariant by construction) and on a flattening linear model (not invariant).
"""

import numpy as np

from profond.exercises import exercise


def _voxel_reference(points: np.ndarray, resolution: int) -> np.ndarray:
    counts, _ = np.histogramdd(points, bins=resolution, range=[(-1.0, 1.0)] * 3)
    return counts > 0


def _voxel_solution():
    def voxeliser(points, resolution):
        pas = 2.0 / resolution
        indices = np.clip(np.floor((points + 1.0) / pas).astype(int), 0, resolution - 1)
        grille = np.zeros((resolution,) * 3, dtype=bool)
        grille[indices[:, 0], indices[:, 1], indices[:, 2]] = True
        return grille
    return voxeliser


def _voxel_wrong():
    def voxeliser(points, resolution):  # forgets to shift [-1, 1] to [0, 2]
        pas = 2.0 / resolution
        indices = np.clip(np.floor(points / pas).astype(int), 0, resolution - 1)
        grille = np.zeros((resolution,) * 3, dtype=bool)
        grille[indices[:, 0], indices[:, 1], indices[:, 2]] = True
        return grille
    return voxeliser


def _fresh_clouds(rng: np.random.Generator):
    """Uniform points in the cube, a squashed Gaussian blob, and the cube's corners."""
    corners = np.array([[x, y, z] for x in (-1.0, 1.0) for y in (-1.0, 1.0) for z in (-1.0, 1.0)])
    return [rng.uniform(-1, 1, (int(rng.integers(5, 40)), 3)),
            np.clip(rng.normal(0, 0.3, (200, 3)) * [1.0, 0.5, 2.0] + [0.2, -0.3, 0.0], -1, 1),
            corners]


@exercise("geometric.voxeliser",
          "Écrivez voxeliser(points, resolution) : la grille booléenne (R, R, R) sur [-1, 1]^3 "
          "où un voxel est plein si au moins un point y tombe.",
          solution=_voxel_solution, wrong=_voxel_wrong,
          function="voxeliser(points, resolution)")
def _(answer):
    rng = np.random.default_rng(7)
    for resolution in (2, 5, 16):
        for points in _fresh_clouds(rng):
            out = answer(points.copy(), resolution)
            assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
            out = np.asarray(out)
            assert out.shape == (resolution,) * 3, (
                f"Attendu une grille de forme ({resolution}, {resolution}, {resolution}), reçu "
                f"{out.shape}.")
            assert set(np.unique(out)) <= {0, 1}, (
                "Attendu une grille d'occupation : des booléens (ou des 0 et des 1), pas des "
                "comptes de points.")
            out, expected = out.astype(bool), _voxel_reference(points, resolution)
            if np.array_equal(out, expected):
                continue
            assert out.sum() <= len(points), (
                f"Pas encore : {int(out.sum())} voxels pleins pour seulement {len(points)} points.")
            if any(np.array_equal(out, expected.transpose(p)) for p in
                   ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))):
                raise AssertionError(
                    "Pas encore : les bons voxels, mais les axes sont échangés ; l'axe i de la "
                    "grille doit être la coordonnée x, j la coordonnée y, k la coordonnée z.")
            raise AssertionError(
                f"Pas encore : pour R = {resolution}, {int((out != expected).sum())} voxels sur "
                f"{out.size} diffèrent. Le cube [-1, 1] est coupé en R tranches de largeur 2/R : "
                "quel est l'indice du point -1 ? celui du point 1 (il doit rester dans la "
                "grille) ?")


def _pooling_solution():
    def pooling(H):
        return H.max(axis=1)
    return pooling


def _pooling_wrong():
    def pooling(H):  # the first point's features: depends on the order
        return H[:, 0, :]
    return pooling


@exercise("geometric.pooling",
          "Écrivez pooling(H) : H de forme (N, P, C) (C caractéristiques pour chacun des P "
          "points) → (N, C), sans dépendre de l'ordre des points.",
          solution=_pooling_solution, wrong=_pooling_wrong,
          function="pooling(H)")
def _(answer):
    rng = np.random.default_rng(3)
    for N, P, C in ((2, 5, 3), (4, 17, 8), (1, 64, 2)):
        H = rng.normal(size=(N, P, C))
        out = answer(H.copy())
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = np.asarray(out, dtype=float)
        assert out.shape == (N, C), (
            f"Attendu une sortie (N, C) = ({N}, {C}) : on agrège sur l'axe des points (axe 1), "
            f"reçu la forme {out.shape}.")
        for _ in range(5):
            shuffled = H[:, rng.permutation(P), :]
            assert np.allclose(np.asarray(answer(shuffled.copy()), dtype=float), out, atol=1e-9), (
                "Pas encore : en mélangeant l'ordre des points, la sortie change. Une fonction "
                "symétrique (max, somme, moyenne...) ne dépend pas de l'ordre.")
        moved = H.copy()
        moved[:, rng.integers(P), :] += 10.0
        changed = np.asarray(answer(moved), dtype=float)
        assert not np.allclose(changed, out), (
            "Pas encore : la sortie ne change pas quand un point change ; le pooling doit "
            "résumer les caractéristiques des points, pas renvoyer une constante.")


def _order_solution():
    import torch

    def ecart_permutation(model, X):
        sigma = torch.randperm(X.shape[1])
        with torch.no_grad():
            return float((model(X) - model(X[:, sigma])).abs().max())
    return ecart_permutation


def _order_wrong():
    import torch

    def ecart_permutation(model, X):  # shuffles the coordinates (x, y, z), not the points
        sigma = torch.randperm(X.shape[2])
        with torch.no_grad():
            return float((model(X) - model(X[:, :, sigma])).abs().max())
    return ecart_permutation


def _order_models(P: int):
    import torch
    from torch import nn

    from profond.further.geometric.models import PointNet

    with torch.random.fork_rng():  # leaves the student's global generator as it was
        torch.manual_seed(0)
        invariant = PointNet(4, widths=(8, 16), input_transform=True).eval()
        ordered = nn.Sequential(nn.Flatten(), nn.Linear(P * 3, 4)).eval()
    return invariant, ordered


@exercise("geometric.ecart_permutation",
          "Écrivez ecart_permutation(model, X) : l'écart max |model(X) - model(X mélangé)| où "
          "l'on mélange l'ordre des P points de chaque nuage X (N, P, 3).",
          solution=_order_solution, wrong=_order_wrong,
          function="ecart_permutation(model, X)")
def _(answer):
    import torch

    P = 32
    invariant, ordered = _order_models(P)
    X = torch.rand(6, P, 3, generator=torch.Generator().manual_seed(5)) * 2 - 1
    gaps = {}
    for name, model in (("PointNet", invariant), ("linéaire sur le nuage aplati", ordered)):
        out = answer(model, X.clone())
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = torch.as_tensor(out).detach()
        assert out.numel() == 1, (
            f"Attendu un seul nombre (l'écart maximal), reçu un tableau de forme "
            f"{tuple(out.shape)} : prenez le max des valeurs absolues.")
        gaps[name] = float(out)
        assert gaps[name] >= 0, "Un écart est une valeur absolue : il ne peut pas être négatif."
    assert gaps["PointNet"] < 1e-4, (
        f"Pas encore : votre écart vaut {gaps['PointNet']:.3g} pour PointNet, qui est invariant "
        "par construction. Mélangez-vous bien les POINTS (axe 1) et non les coordonnées x, y, z "
        "(axe 2) ?")
    assert gaps["linéaire sur le nuage aplati"] > 1e-3, (
        "Pas encore : votre écart est nul même pour un modèle qui lit les points dans l'ordre "
        "(un Linear sur le nuage aplati). Comparez-vous bien model(X) à model(X mélangé) ?")
