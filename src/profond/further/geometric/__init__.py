"""Geometric deep learning (deck 000): shapes as point clouds, voxels and mesh graphs.

`shapes` makes the meshes and their three representations (trimesh:
`pip install profond[geometric]`), `data` the cached dataset, `models` PointNet, VoxelCNN and
the mesh GCN (torch).
"""
