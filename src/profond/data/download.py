"""Optional downloads: MNIST and Fashion-MNIST (IDX .gz files), CIFAR-10 (binary tarball).

Each file is checked against its sha256, streamed to a temporary file and renamed into
`cache_dir()/NAME/`; parsing reads plain bytes (IDX headers, CIFAR records), never pickles.
Parsed arrays are cached as uint8 .npz so later loads skip the archives.
"""

import gzip
import hashlib
import struct
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import numpy as np

from profond.checks import check_choice
from profond.data.cache import cache_path, cached_arrays, set_aside
from profond.data.dataset import Dataset
from profond.io import atomic_write
from profond.paths import cache_dir

IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
CIFAR_FILE = "cifar-10-binary.tar.gz"
CIFAR_SHAPE = (3, 32, 32)
CIFAR_RECORD = 1 + 3 * 32 * 32  # one label byte, then the red, green and blue planes
IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class ChecksumError(ValueError):
    """A file's sha256 is not the published one."""


class DownloadError(OSError):
    """No mirror answered; the message says where to put the file by hand."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # "idx" or "cifar-binary"
    mirrors: tuple[str, ...]  # base URLs, each ending with "/"
    sha256: dict  # file name -> hex digest
    classes: tuple[str, ...]


# sha256 digests as published in tensorflow/datasets' url_checksums (mnist, fashion_mnist, cifar10).
SOURCES = {
    "mnist": Source("mnist", "idx", (
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/"), {
        "train-images-idx3-ubyte.gz":
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz":
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz":
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz":
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
        tuple(str(d) for d in range(10))),
    "fashion-mnist": Source("fashion-mnist", "idx", (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",), {
        "train-images-idx3-ubyte.gz":
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz":
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz":
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz":
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"},
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
         "Bag", "Ankle boot")),
    "cifar10": Source("cifar10", "cifar-binary", ("https://www.cs.toronto.edu/~kriz/",), {
        CIFAR_FILE: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"},
        ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
         "truck")),
}


def is_cached(name: str) -> bool:
    """Whether `load_remote(name)` would read the cache instead of downloading."""
    return cache_path(f"{check_choice('name', name, SOURCES)}-uint8").exists()


def load_remote(name: str) -> Dataset:
    """MNIST / Fashion-MNIST / CIFAR-10, downloaded once; X (N, C, H, W) float32 in [0, 1]."""
    source = SOURCES[check_choice("name", name, SOURCES)]
    parse = _parse_idx_set if source.kind == "idx" else _parse_cifar_set
    arrays = cached_arrays(f"{name}-uint8", lambda: parse(source))
    return Dataset(name, arrays["X_train"].astype(np.float32) / 255, arrays["y_train"],
                   arrays["X_test"].astype(np.float32) / 255, arrays["y_test"],
                   task="classification", classes=list(source.classes),
                   meta={"source": source.mirrors[0]})


def _parse_idx_set(source: Source) -> dict:
    images_train, labels_train, images_test, labels_test = (
        read_idx(path) for path in fetch_all(source, IDX_FILES))
    return {"X_train": images_train[:, None], "y_train": labels_train.astype(np.int64),
            "X_test": images_test[:, None], "y_test": labels_test.astype(np.int64)}


def _parse_cifar_set(source: Source) -> dict:
    batches = read_cifar_tarball(fetch(source, CIFAR_FILE))
    train = [batches[f"data_batch_{i}.bin"] for i in range(1, 6)]
    X_test, y_test = batches["test_batch.bin"]
    return {"X_train": np.concatenate([X for X, _ in train]),
            "y_train": np.concatenate([y for _, y in train]).astype(np.int64),
            "X_test": X_test, "y_test": y_test.astype(np.int64)}


def fetch(source: Source, filename: str) -> Path:
    """`cache_dir()/NAME/filename`, from the first mirror that answers; sha256 checked."""
    dest = cache_dir() / source.name / filename
    expected = source.sha256[filename]
    if dest.exists():
        if _sha256_of(dest) == expected:
            return dest
        set_aside(dest, ChecksumError(f"expected sha256 {expected}"))
    failures = []
    for base in source.mirrors:
        try:
            return download(base + filename, dest, expected)
        except (URLError, OSError) as err:  # ChecksumError is a ValueError: it is not retried
            failures.append(f"{base + filename} ({getattr(err, 'reason', err)})")
    raise DownloadError(
        f"{source.name}: could not download {filename}: {'; '.join(failures)}. If this machine "
        f"is offline, fetch {source.mirrors[0] + filename} elsewhere and copy it to {dest} "
        f"(sha256 {expected}); profond checks it and uses it.")


def fetch_all(source: Source, filenames) -> list[Path]:
    """`fetch` each file; when some cannot be had, one DownloadError names every missing file
    (someone offline copies them all by hand at once, not one per attempt)."""
    paths, failures = [], []
    for filename in filenames:
        try:
            paths.append(fetch(source, filename))
        except DownloadError as err:
            failures.append(str(err))
    if len(failures) == 1:
        raise DownloadError(failures[0])
    if failures:
        raise DownloadError(f"{source.name}: {len(failures)} files are missing: " +
                            " | ".join(f.removeprefix(source.name + ": ") for f in failures))
    return paths


def download(url: str, dest: Path, sha256: str) -> Path:
    """Stream `url` into a temporary file beside `dest`, check its sha256, then rename it."""
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    def write(tmp: Path) -> None:
        digest = hashlib.sha256()
        with urlopen(url, timeout=60) as response, open(tmp, "wb") as f, \
                Progress(*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(),
                         transient=True) as progress:
            task = progress.add_task(dest.name, total=int(response.headers.get("Content-Length")
                                                          or 0) or None)
            while chunk := response.read(1 << 20):
                f.write(chunk)
                digest.update(chunk)
                progress.advance(task, len(chunk))
        _check_sha256(url, digest.hexdigest(), sha256)
    return atomic_write(dest, write)


def _check_sha256(where: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise ChecksumError(f"{where}: expected sha256 {expected}; got {actual} (a truncated or "
                            f"different file: delete it and run again)")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file (gzipped when its name ends in .gz) as an array of its declared shape."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        return parse_idx(f.read())


def parse_idx(data: bytes) -> np.ndarray:
    """IDX: two zero bytes, a type code, the number of dimensions, big-endian uint32 sizes, data."""
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in IDX_DTYPES:
        raise ValueError(f"IDX data: expected magic 00 00 <type in {sorted(IDX_DTYPES)}> <ndim>; "
                         f"got {data[:4].hex(' ')}")
    dtype, ndim = np.dtype(IDX_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(f"IDX data: expected {expected} bytes for shape {shape}; "
                         f"got {len(data) - header}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def parse_cifar_binary(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """CIFAR-10 binary records -> X (N, 3, 32, 32) uint8, y (N,) uint8."""
    if len(data) % CIFAR_RECORD:
        raise ValueError(f"CIFAR-10 binary data: expected a multiple of {CIFAR_RECORD} bytes; "
                         f"got {len(data)}")
    records = np.frombuffer(data, np.uint8).reshape(-1, CIFAR_RECORD)
    return records[:, 1:].reshape(-1, *CIFAR_SHAPE), records[:, 0].copy()


def read_cifar_tarball(path: str | Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every `*.bin` batch of the tarball, by base name, read in memory (nothing is extracted)."""
    with tarfile.open(path, "r:gz") as tar:
        return {Path(m.name).name: parse_cifar_binary(tar.extractfile(m).read())
                for m in tar.getmembers() if m.isfile() and m.name.endswith(".bin")}
