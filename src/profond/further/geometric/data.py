"""The shapes dataset: the same seeded shapes as point clouds, voxels and mesh graphs.

Shape i is class i mod 6 and is drawn from its own generator, seeded by (seed, i): the set is
balanced, and a bigger set begins with the shapes of a smaller one. The first `n_train` shapes
of each class train, the next `n_test` test. Arrays are cached in `cache_dir()` as .npz.
"""

import numpy as np

from profond.checks import check_int
from profond.data.cache import cached_arrays
from profond.data.dataset import Dataset
from profond.further.geometric.shapes import (
    MAX_PRIMITIVE_VERTICES,
    SHAPES,
    make_mesh,
    mesh_graph,
    normalized_adjacency,
    sample_points,
    voxelize,
)

VERSION = 1  # bump when the generator changes, so stale caches are not read
REPRESENTATIONS = ("points", "voxels", "mesh")


def shape_arrays(n_shapes: int, n_points: int = 256, resolution: int = 16,
                 max_vertices: int = 128, seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays of `n_shapes` shapes: y (M,), points (M, P, 3), voxels (M, R, R, R) uint8,
    vertices (M, V, 3) zero-padded, n_vertices (M,), edges (M, E, 2) padded with -1."""
    check_int("n_shapes", n_shapes, minimum=1)
    check_int("n_points", n_points, minimum=1)
    check_int("resolution", resolution, minimum=2)
    check_int("max_vertices", max_vertices, minimum=MAX_PRIMITIVE_VERTICES)
    key = (f"geometric-shapes-v{VERSION}-s{seed}-m{n_shapes}-p{n_points}-r{resolution}"
           f"-v{max_vertices}")
    return cached_arrays(key, lambda: _make(n_shapes, n_points, resolution, max_vertices, seed))


def _make(n_shapes: int, n_points: int, resolution: int, max_vertices: int, seed: int) -> dict:
    y = np.arange(n_shapes) % len(SHAPES)
    points = np.zeros((n_shapes, n_points, 3), dtype=np.float32)
    voxels = np.zeros((n_shapes,) + (resolution,) * 3, dtype=np.uint8)
    vertices = np.zeros((n_shapes, max_vertices, 3), dtype=np.float32)
    n_vertices = np.zeros(n_shapes, dtype=np.int64)
    edges = []
    for i in range(n_shapes):
        rng = np.random.default_rng([seed, i])
        mesh = make_mesh(SHAPES[y[i]], rng)
        sample_seed = int(rng.integers(2**31))
        points[i] = sample_points(mesh, n_points, sample_seed)
        voxels[i] = voxelize(mesh, resolution, seed=sample_seed)
        verts, edge = mesh_graph(mesh)
        vertices[i, :len(verts)] = verts
        n_vertices[i] = len(verts)
        edges.append(edge)
    padded = np.full((n_shapes, max(len(e) for e in edges), 2), -1, dtype=np.int64)
    for i, edge in enumerate(edges):
        padded[i, :len(edge)] = edge
    return {"y": y.astype(np.int64), "points": points, "voxels": voxels, "vertices": vertices,
            "n_vertices": n_vertices, "edges": padded}


def pack_graphs(vertices: np.ndarray, n_vertices: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(M, V, 3 + V) float32: each row is a vertex's features [x, y, z | its row of Â].

    One array per example is what the TorchLearner batches; MeshGCN splits it back.
    """
    M, V, _ = vertices.shape
    packed = np.zeros((M, V, 3 + V), dtype=np.float32)
    packed[:, :, :3] = vertices
    for i in range(M):
        edge = edges[i][edges[i, :, 0] >= 0]
        packed[i, :, 3:] = normalized_adjacency(edge, int(n_vertices[i]), V)
    return packed


def load_shapes(n_train: int = 100, n_test: int = 50, n_points: int = 256,
                resolution: int = 16, max_vertices: int = 128,
                seed: int = 0) -> dict[str, Dataset]:
    """{"points", "voxels", "mesh"}: one Dataset per representation, the same shapes and split.

    X: points (N, P, 3); voxels (N, 1, R, R, R) in {0, 1}; mesh (N, V, 3 + V) (pack_graphs).
    `n_train` and `n_test` count shapes per class.
    """
    check_int("n_train", n_train, minimum=1)
    check_int("n_test", n_test, minimum=1)
    n_classes = len(SHAPES)
    arrays = shape_arrays((n_train + n_test) * n_classes, n_points, resolution, max_vertices,
                          seed)
    X = {"points": arrays["points"], "voxels": arrays["voxels"][:, None].astype(np.float32),
         "mesh": pack_graphs(arrays["vertices"], arrays["n_vertices"], arrays["edges"])}
    cut = n_train * n_classes
    y = arrays["y"]
    meta = {"seed": seed, "n_points": n_points, "resolution": resolution,
            "max_vertices": max_vertices, "n_train_per_class": n_train,
            "n_test_per_class": n_test}
    return {rep: Dataset(f"shapes-{rep}", X[rep][:cut], y[:cut], X[rep][cut:], y[cut:],
                         "classification", list(SHAPES), _DESCRIPTIONS[rep], meta)
            for rep in REPRESENTATIONS}


_DESCRIPTIONS = {
    "points": "Point clouds: points sampled uniformly on each shape's surface",
    "voxels": "Voxels: filled occupancy grid of each shape over [-1, 1]^3",
    "mesh": "Mesh graphs: vertex coordinates and the normalised adjacency of the face edges",
}
