"""PointNet, VoxelCNN and the mesh GCN: symmetries, a hand-computed GCN layer, the quick run."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.further.geometric.models import GCNConv, MeshGCN, PointNet, VoxelCNN


def _tiny_graph():
    """A triangle 0-1-2 with a pendant vertex 3 on vertex 2: Â from its degrees, by hand."""
    edges = [(0, 1), (1, 2), (2, 0), (2, 3)]
    A = np.eye(4)
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    d = A.sum(1)  # 3, 3, 4, 2
    return torch.tensor(A / np.sqrt(np.outer(d, d)), dtype=torch.float64), edges


def test_gcn_layer_equals_the_neighbourhood_sum_by_hand():
    A_hat, edges = _tiny_graph()
    conv = GCNConv(2, 3).double()
    H = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]], dtype=torch.float64)
    neighbours = {i: {i} for i in range(4)}
    for i, j in edges:
        neighbours[i].add(j)
        neighbours[j].add(i)
    W, b = conv.weight.detach(), conv.bias.detach()
    # h'_i = sum over j in N(i) and i itself of h_j W / sqrt(deg_i deg_j), plus b
    expected = torch.stack([
        sum(H[j] @ W / np.sqrt(len(neighbours[i]) * len(neighbours[j])) for j in neighbours[i])
        + b for i in range(4)])
    torch.testing.assert_close(conv(H[None], A_hat[None])[0], expected)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 9))
def test_gcn_layer_is_permutation_equivariant(seed, V):
    g = torch.Generator().manual_seed(seed)
    A = (torch.rand(V, V, generator=g) < 0.4).double()
    A = ((A + A.T + torch.eye(V, dtype=torch.float64)) > 0).double()  # symmetric, self-loops
    d = A.sum(1)
    A_hat = A / torch.sqrt(torch.outer(d, d))
    H = torch.randn(V, 3, generator=g, dtype=torch.float64)
    P = torch.eye(V, dtype=torch.float64)[torch.randperm(V, generator=g)]
    torch.manual_seed(seed)
    conv = GCNConv(3, 4).double()
    # relabelling the vertices relabels the output rows: conv(PH, P Â P^T) = P conv(H, Â)
    torch.testing.assert_close(conv((P @ H)[None], (P @ A_hat @ P.T)[None])[0],
                               P @ conv(H[None], A_hat[None])[0])


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6))
def test_pointnet_is_permutation_invariant(seed):
    torch.manual_seed(seed)
    model = PointNet(6, widths=(16, 32)).eval()
    X = torch.randn(3, 50, 3)
    shuffled = X[:, torch.randperm(50)]
    with torch.no_grad():
        assert torch.allclose(model(X), model(shuffled), atol=1e-5)
        # and it does depend on the points: change one
        moved = X.clone()
        moved[:, 0] += 5.0
        assert not torch.allclose(model(X), model(moved), atol=1e-5)


def test_tnet_starts_as_the_identity():
    model = PointNet(6, widths=(16, 32))
    X = torch.randn(2, 3, 20)
    torch.testing.assert_close(model.tnet(X), torch.eye(3).expand(2, 3, 3))


def test_mesh_gcn_ignores_padding_and_vertex_order():
    A_hat, _ = _tiny_graph()
    H = torch.randn(4, 3, dtype=torch.float64)
    torch.manual_seed(0)
    model = MeshGCN(6, hidden=8).double().eval()
    packed = torch.cat([H, A_hat], dim=1)[None]  # (1, 4, 3 + 4)
    padded = torch.zeros(1, 7, 3 + 7, dtype=torch.float64)  # three padded vertices
    padded[0, :4, :3], padded[0, :4, 3:7] = H, A_hat
    perm = torch.tensor([2, 0, 3, 1])
    permuted = torch.cat([H[perm], A_hat[perm][:, perm]], dim=1)[None]
    with torch.no_grad():
        out = model(packed)
        torch.testing.assert_close(model(padded), out)
        torch.testing.assert_close(model(permuted), out)


def test_voxel_cnn_shapes():
    model = VoxelCNN(6, channels=(4, 8)).eval()
    assert model(torch.zeros(2, 1, 16, 16, 16)).shape == (2, 6)


@pytest.fixture(scope="module")
def quick_result(tmp_path_factory):
    pytest.importorskip("trimesh")
    from profond.experiments import run_experiment

    out = tmp_path_factory.mktemp("geometric")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROFOND_CACHE", str(out / "cache"))
        return run_experiment("geometric-shapes", quick=True, seed=0, out_dir=out / "run")


def test_quick_experiment_each_model_learns_above_chance(quick_result):
    rows = {r["representation"]: r for r in quick_result.rows}
    assert set(rows) == {"points", "voxels", "mesh"}
    chance = 100 / 6
    for rep, row in rows.items():
        assert row["test acc %"] > chance + 5, (rep, row)
    assert quick_result.claims["all_above_chance"]
    png = quick_result.figures[0]
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
