"""profond: a deep-learning course lab (white-box NumPy engine, PyTorch path, lab, experiments)."""

__version__ = "0.1.0"
