"""Deck 000, "données géométriques": one shape, three representations.

A trimesh primitive gets random proportions, an anisotropic scale, a random rotation and a little
vertex noise, then fits the unit ball. From that one mesh come a point cloud (points sampled on
the surface), voxels (an occupancy grid over [-1, 1]^3) and a graph (vertices, edges of the faces).
"""

import numpy as np
import trimesh
from scipy import ndimage
from trimesh import creation

from profond.checks import check_choice, check_int, check_positive

SHAPES = ("box", "sphere", "cylinder", "cone", "torus", "capsule")
MAX_PRIMITIVE_VERTICES = 128  # the most vertices `primitive` makes (a 16 x 8 torus)


def primitive(kind: str, rng: np.random.Generator) -> trimesh.Trimesh:
    """An axis-aligned primitive with random proportions and tessellation (26-128 vertices)."""
    check_choice("kind", kind, SHAPES)
    u = rng.uniform
    if kind == "box":
        return creation.box(extents=u(0.6, 1.4, 3)).subdivide().subdivide()
    if kind == "sphere":
        return creation.uv_sphere(radius=1.0, count=[int(rng.integers(5, 9))] * 2)
    if kind == "cylinder":
        return creation.cylinder(u(0.3, 0.6), u(1.0, 2.0), sections=int(rng.integers(24, 49)))
    if kind == "cone":
        return creation.cone(u(0.4, 0.8), u(1.0, 2.0), sections=int(rng.integers(24, 49)))
    if kind == "torus":
        return creation.torus(1.0, u(0.25, 0.45), major_sections=int(rng.integers(10, 17)),
                              minor_sections=int(rng.integers(6, 9)))
    return creation.capsule(u(0.8, 1.6), u(0.3, 0.6), count=[int(rng.integers(7, 11))] * 2)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A uniform rotation of SO(3) as a (3, 3) matrix (Shoemake's quaternion, via trimesh)."""
    return trimesh.transformations.random_rotation_matrix(rand=rng.random(3))[:3, :3]


def normalize(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """Centre the bounding box on 0 and scale so the farthest vertex lies on the unit sphere."""
    mesh = mesh.copy()
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    mesh.apply_scale(1.0 / np.linalg.norm(mesh.vertices, axis=1).max())
    return mesh


def make_mesh(kind: str, rng: np.random.Generator, scale_jitter: float = 0.2,
              noise: float = 0.01) -> trimesh.Trimesh:
    """x -> R diag(s) x + noise, s ~ U(1 ± scale_jitter), R uniform, then fit the unit ball.

    `noise` is the std of a Gaussian jitter of every vertex (a scanner's error), after scaling.
    """
    check_positive("scale_jitter", scale_jitter, allow_zero=True)
    check_positive("noise", noise, allow_zero=True)
    mesh = primitive(kind, rng)
    mesh.apply_scale(1.0)  # drops trimesh's cached primitive data before the transforms below
    transform = np.eye(4)
    transform[:3, :3] = random_rotation(rng) @ np.diag(
        rng.uniform(1 - scale_jitter, 1 + scale_jitter, 3))
    mesh.apply_transform(transform)
    mesh.vertices = mesh.vertices + rng.normal(0.0, noise, mesh.vertices.shape)
    return normalize(mesh)


def sample_points(mesh: trimesh.Trimesh, n_points: int, seed: int) -> np.ndarray:
    """(n_points, 3) float32 points uniform on the surface: faces drawn by area (trimesh.sample)."""
    check_int("n_points", n_points, minimum=1)
    points, _ = trimesh.sample.sample_surface(mesh, n_points, seed=seed)
    return points.astype(np.float32)


def voxelize(mesh: trimesh.Trimesh, resolution: int = 16, seed: int = 0,
             samples_per_voxel: float = 8.0) -> np.ndarray:
    """(R, R, R) bool occupancy of [-1, 1]^3: surface samples mark their voxel, then the closed
    shell is filled (scipy.ndimage.binary_fill_holes): solids are solid, a torus keeps its hole.

    Samples: `samples_per_voxel` per surface voxel on average (area / voxel face area), so no
    voxel the surface crosses is missed and the shell has no gap to leak through.
    """
    check_int("resolution", resolution, minimum=2)
    pitch = 2.0 / resolution
    n = max(1000, int(samples_per_voxel * mesh.area / pitch**2))
    points, _ = trimesh.sample.sample_surface(mesh, n, seed=seed)
    points = np.concatenate([points, mesh.vertices])
    index = np.clip(np.floor((points + 1.0) / pitch).astype(np.int64), 0, resolution - 1)
    grid = np.zeros((resolution,) * 3, dtype=bool)
    grid[index[:, 0], index[:, 1], index[:, 2]] = True
    return ndimage.binary_fill_holes(grid)


def mesh_graph(mesh: trimesh.Trimesh) -> tuple[np.ndarray, np.ndarray]:
    """(vertices (V, 3) float32, edges (E, 2) int64): each undirected edge of the faces once."""
    return mesh.vertices.astype(np.float32), np.asarray(mesh.edges_unique, dtype=np.int64)


def normalized_adjacency(edges: np.ndarray, n_vertices: int, max_vertices: int) -> np.ndarray:
    """Â = D^-1/2 (A + I) D^-1/2 (Kipf & Welling), zero-padded to (max_vertices, max_vertices).

    Padded vertices get no self-loop: their rows and columns stay 0, which is their mask.
    """
    check_int("max_vertices", max_vertices, minimum=n_vertices)
    A = np.zeros((max_vertices, max_vertices), dtype=np.float64)
    A[edges[:, 0], edges[:, 1]] = A[edges[:, 1], edges[:, 0]] = 1.0
    A[np.arange(n_vertices), np.arange(n_vertices)] = 1.0
    degree = A.sum(axis=1)
    inv_sqrt = np.divide(1.0, np.sqrt(degree), out=np.zeros_like(degree), where=degree > 0)
    return (inv_sqrt[:, None] * A * inv_sqrt[None, :]).astype(np.float32)
