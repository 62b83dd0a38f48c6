"""Shapes, their three representations and the cached dataset (profond.further.geometric)."""

import numpy as np
import pytest

trimesh = pytest.importorskip("trimesh")

from profond.further.geometric.data import load_shapes, pack_graphs, shape_arrays  # noqa: E402
from profond.further.geometric.shapes import (  # noqa: E402
    SHAPES,
    make_mesh,
    mesh_graph,
    normalized_adjacency,
    random_rotation,
    sample_points,
    voxelize,
)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path / "cache"))


def test_dataset_is_seeded_balanced_and_cached(tmp_path, monkeypatch):
    first = shape_arrays(12, n_points=16, resolution=8, seed=3)
    assert list((tmp_path / "cache").glob("geometric-shapes-*.npz"))
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path / "other"))  # rebuilt, not read back
    again = shape_arrays(12, n_points=16, resolution=8, seed=3)
    other = shape_arrays(12, n_points=16, resolution=8, seed=4)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
    assert not np.allclose(first["points"], other["points"])
    data = load_shapes(n_train=3, n_test=2, n_points=16, resolution=8, seed=3)
    for ds in data.values():
        assert np.bincount(ds.y_train).tolist() == [3] * len(SHAPES)
        assert np.bincount(ds.y_test).tolist() == [2] * len(SHAPES)
        np.testing.assert_array_equal(ds.y_test, data["points"].y_test)  # the same split
    assert data["voxels"].input_shape == (1, 8, 8, 8)
    assert data["mesh"].input_shape == (128, 131)


def test_shapes_fit_the_unit_ball_and_are_closed():
    rng = np.random.default_rng(0)
    for kind in SHAPES:
        mesh = make_mesh(kind, rng)
        assert np.linalg.norm(mesh.vertices, axis=1).max() == pytest.approx(1.0)
        assert mesh.is_watertight, kind


def test_rotation_is_in_so3_and_moves_points_with_the_mesh():
    rng = np.random.default_rng(1)
    R = random_rotation(rng)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(R) == pytest.approx(1.0)
    mesh = make_mesh("capsule", rng, noise=0.0)
    rotated = mesh.copy()
    rotated.apply_transform(np.block([[R, np.zeros((3, 1))], [np.zeros((1, 3)), np.ones(1)]]))
    points = sample_points(mesh, 20000, seed=7)
    points_rot = sample_points(rotated, 20000, seed=7)
    # faces are drawn by area, which a rotation keeps: the same seed gives the rotated points
    np.testing.assert_allclose(points_rot, points @ R.T, atol=1e-5)
    # trimesh's own area-weighted surface centroid: the clouds' means, and their distances to it
    np.testing.assert_allclose(rotated.centroid, R @ mesh.centroid, atol=1e-9)
    np.testing.assert_allclose(points_rot.mean(axis=0), rotated.centroid, atol=0.02)
    d = np.linalg.norm(points - mesh.centroid, axis=1)
    d_rot = np.linalg.norm(points_rot - rotated.centroid, axis=1)
    np.testing.assert_allclose(np.sort(d_rot), np.sort(d), atol=1e-5)


def test_points_lie_on_the_surface():
    mesh = trimesh.creation.icosphere(subdivisions=3, radius=0.7)
    r = np.linalg.norm(sample_points(mesh, 500, seed=0), axis=1)
    # an icosphere's faces lie between its inradius and the radius of its vertices
    assert r.max() <= 0.7 + 1e-6 and r.min() >= 0.7 * 0.99


def test_voxels_of_a_box_fill_the_expected_fraction():
    box = trimesh.creation.box(extents=(0.9, 0.9, 0.9))
    grid = voxelize(box, 16)
    # voxel k covers [-1 + k/8, -1 + (k+1)/8]; [-0.45, 0.45] meets k = 4..11: 8^3 of 16^3
    assert grid.mean() == pytest.approx(8**3 / 16**3)
    assert grid[4:12, 4:12, 4:12].all()
    slab = trimesh.creation.box(extents=(0.9, 0.9, 0.2))
    assert voxelize(slab, 16).sum() == 8 * 8 * 2  # [-0.1, 0.1] meets k = 7, 8


def test_voxels_of_a_sphere_lie_between_the_inner_and_outer_ball():
    r, R = 0.8, 16
    grid = voxelize(trimesh.creation.icosphere(subdivisions=4, radius=r), R)
    pitch = 2 / R
    centres = -1 + pitch * (np.indices((R,) * 3).transpose(1, 2, 3, 0) + 0.5)
    dist = np.linalg.norm(centres, axis=-1)
    half_diagonal = np.sqrt(3) * pitch / 2
    assert grid[dist < 0.99 * r - half_diagonal].all()  # wholly inside: filled
    assert not grid[dist > r + half_diagonal].any()  # wholly outside: empty


def test_torus_keeps_its_hole():
    grid = voxelize(trimesh.creation.torus(0.7, 0.25), 16)
    assert grid.any() and not grid[7:9, 7:9, :].any()


def test_mesh_graph_has_every_face_edge_once():
    mesh = trimesh.creation.icosphere(subdivisions=1)
    vertices, edges = mesh_graph(mesh)
    assert len(edges) == 3 * len(mesh.faces) // 2  # a closed mesh: each edge has two faces
    assert len(vertices) - len(edges) + len(mesh.faces) == 2  # Euler, genus 0
    pairs = {frozenset(e) for e in edges.tolist()}
    for face in mesh.faces.tolist():
        for a, b in ((0, 1), (1, 2), (2, 0)):
            assert frozenset((face[a], face[b])) in pairs


def test_normalized_adjacency_by_hand():
    # path 0 - 1 - 2, padded to 4: degrees with self-loops 2, 3, 2
    A_hat = normalized_adjacency(np.array([[0, 1], [1, 2]]), 3, 4)
    s = 1 / np.sqrt(6)
    expected = np.array([[1 / 2, s, 0, 0], [s, 1 / 3, s, 0], [0, s, 1 / 2, 0], [0, 0, 0, 0]])
    np.testing.assert_allclose(A_hat, expected, rtol=1e-6)


def test_pack_graphs_rows_are_features_then_adjacency():
    vertices = np.zeros((1, 4, 3), dtype=np.float32)
    vertices[0, :3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    edges = np.array([[[0, 1], [1, 2], [-1, -1]]])
    packed = pack_graphs(vertices, np.array([3]), edges)
    np.testing.assert_array_equal(packed[0, :, :3], vertices[0])
    np.testing.assert_allclose(packed[0, :, 3:], normalized_adjacency(edges[0, :2], 3, 4))


def test_bad_arguments_name_themselves():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="kind: expected one of 'box'.*; got 'pyramid'"):
        make_mesh("pyramid", rng)
    with pytest.raises(ValueError, match="noise: expected a number >= 0; got -1"):
        make_mesh("box", rng, noise=-1)
    with pytest.raises(ValueError, match="n_train: expected an integer >= 1; got 0"):
        load_shapes(n_train=0)
    with pytest.raises(ValueError, match="max_vertices: expected an integer >= 128; got 50"):
        shape_arrays(6, max_vertices=50)
    with pytest.raises(ValueError, match="resolution: expected an integer >= 2; got 1"):
        voxelize(make_mesh("box", rng), 1)
