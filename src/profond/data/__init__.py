"""profond.data: the course's datasets as float32 NumPy arrays, through one registry.

`load(name, **options) -> Dataset`, `names()`, `info(name)`. Importing this package loads only
NumPy: scikit-learn, mnist1d and the downloader are imported by the loaders that need them.
"""

from profond.data.dataset import Dataset
from profond.data.registry import DatasetInfo, info, load, names

__all__ = ["Dataset", "DatasetInfo", "info", "load", "names"]
