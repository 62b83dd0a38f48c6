"""Downloads without a network: tiny IDX / CIFAR-binary files served from file:// URLs."""

import gzip
import hashlib
import io
import struct
import tarfile
from urllib.error import URLError

import numpy as np
import pytest

import profond.data
from profond.data import download
from profond.data.download import ChecksumError, DownloadError, Source


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def idx_bytes(array: np.ndarray, code: int = 0x08, dtype=">u1") -> bytes:
    """The IDX layout written by hand: 0, 0, type code, ndim, big-endian sizes, big-endian data."""
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += b"".join(struct.pack(">I", size) for size in array.shape)
    return header + array.astype(dtype).tobytes()


def cifar_bytes(labels, pixels) -> bytes:
    return b"".join(bytes([label]) + img.tobytes() for label, img in zip(labels, pixels))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served(tmp_path, name, kind, files: dict) -> Source:
    """Write `files` into a folder and describe it as a Source with a file:// mirror."""
    folder = tmp_path / "mirror"
    folder.mkdir(exist_ok=True)
    for filename, data in files.items():
        (folder / filename).write_bytes(data)
    return Source(name, kind, (folder.as_uri() + "/",),
                  {filename: sha(data) for filename, data in files.items()},
                  tuple(str(c) for c in range(10)))


def test_parse_idx_reads_types_shapes_and_big_endian_values():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    assert np.array_equal(download.parse_idx(idx_bytes(images)), images)
    ints = np.array([1, -2, 70000], dtype=np.int64)
    parsed = download.parse_idx(idx_bytes(ints, code=0x0C, dtype=">i4"))
    assert parsed.tolist() == [1, -2, 70000]


def test_read_idx_of_a_gzip_file(tmp_path):
    labels = np.array([7, 2, 1, 0], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(labels)))
    assert download.read_idx(path).tolist() == [7, 2, 1, 0]


@pytest.mark.parametrize("data, match", [
    (b"\x01\x00\x08\x01", r"IDX data: expected magic 00 00 <type in .*>; got 01 00 08 01"),
    (idx_bytes(np.zeros(5, np.uint8))[:-1], r"IDX data: expected 5 bytes for shape \(5,\); got 4"),
])
def test_parse_idx_rejects_bad_headers_and_lengths(data, match):
    with pytest.raises(ValueError, match=match):
        download.parse_idx(data)


def test_parse_cifar_binary_records():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (3, 3072), dtype=np.uint8)
    X, y = download.parse_cifar_binary(cifar_bytes([3, 9, 0], pixels))
    assert X.shape == (3, 3, 32, 32) and y.tolist() == [3, 9, 0]
    # record layout: 1024 red, then green, then blue bytes, each row-major 32 x 32
    assert X[1, 2, 5, 7] == pixels[1, 2 * 1024 + 5 * 32 + 7]
    with pytest.raises(ValueError, match=r"expected a multiple of 3073 bytes; got 3072"):
        download.parse_cifar_binary(pixels[0].tobytes())


def test_mnist_through_the_registry_from_a_local_mirror(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    train, test = (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) for n in (5, 3))
    files = {"train-images-idx3-ubyte.gz": idx_bytes(train),
             "train-labels-idx1-ubyte.gz": idx_bytes(np.array([0, 1, 2, 3, 4])),
             "t10k-images-idx3-ubyte.gz": idx_bytes(test),
             "t10k-labels-idx1-ubyte.gz": idx_bytes(np.array([9, 8, 7]))}
    files = {name: gzip.compress(data) for name, data in files.items()}
    monkeypatch.setitem(download.SOURCES, "mnist", served(tmp_path, "mnist", "idx", files))
    ds = profond.data.load("mnist")
    assert ds.X_train.shape == (5, 1, 28, 28) and ds.X_train.dtype == np.float32
    assert np.allclose(ds.X_test[:, 0] * 255, test) and ds.X_test.max() <= 1
    assert ds.y_train.tolist() == [0, 1, 2, 3, 4] and ds.y_test.tolist() == [9, 8, 7]
    assert (tmp_path / "cache" / "mnist" / "t10k-images-idx3-ubyte.gz").exists()


def _cifar_tarball(batches: dict) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in batches.items():
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_cifar10_from_a_tiny_local_tarball(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    pixels = {name: rng.integers(0, 256, (2, 3072), dtype=np.uint8) for name in names}
    batches = {name: cifar_bytes([i, 9 - i], pixels[name]) for i, name in enumerate(names)}
    batches["batches.meta.txt"] = b"airplane\nautomobile\n"
    source = served(tmp_path, "cifar10", "cifar-binary",
                    {download.CIFAR_FILE: _cifar_tarball(batches)})
    monkeypatch.setitem(download.SOURCES, "cifar10", source)
    ds = profond.data.load("cifar10")
    assert ds.X_train.shape == (10, 3, 32, 32) and ds.X_test.shape == (2, 3, 32, 32)
    assert ds.y_train.tolist() == [0, 9, 1, 8, 2, 7, 3, 6, 4, 5] and ds.y_test.tolist() == [5, 4]
    expected = pixels["data_batch_2.bin"][1].reshape(3, 32, 32) / 255
    assert np.allclose(ds.X_train[3], expected)


def test_sha256_mismatch_raises_and_keeps_nothing(tmp_path, cache):
    source = served(tmp_path, "tiny", "idx", {"a.gz": b"real bytes"})
    source.sha256["a.gz"] = "0" * 64
    with pytest.raises(ChecksumError, match=r"a.gz: expected sha256 0{64}; got "):
        download.fetch(source, "a.gz")
    assert not (cache / "tiny").exists() or list((cache / "tiny").iterdir()) == []


def test_offline_error_names_the_url_and_where_to_put_the_file(tmp_path, cache, monkeypatch):
    def offline(url, timeout=None):
        raise URLError("no route to host")
    monkeypatch.setattr(download, "urlopen", offline)
    source = download.SOURCES["fashion-mnist"]
    url = source.mirrors[0] + "t10k-labels-idx1-ubyte.gz"
    dest = cache / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    with pytest.raises(DownloadError) as err:
        download.fetch(source, "t10k-labels-idx1-ubyte.gz")
    message = str(err.value)
    assert f"could not download t10k-labels-idx1-ubyte.gz: {url} (no route to host)" in message
    assert f"copy it to {dest}" in message and source.sha256[dest.name] in message


def test_offline_mnist_names_all_four_missing_files_at_once(cache, monkeypatch):
    def offline(url, timeout=None):
        raise URLError("no route to host")
    monkeypatch.setattr(download, "urlopen", offline)
    with pytest.raises(DownloadError) as err:
        download.load_remote("mnist")
    message = str(err.value)
    assert message.startswith("mnist: 4 files are missing:")
    for name in download.IDX_FILES:
        assert f"copy it to {cache / 'mnist' / name}" in message


def test_a_file_put_by_hand_is_used_offline_and_checked(tmp_path, cache, monkeypatch):
    def offline(url, timeout=None):
        raise OSError("network is unreachable")
    monkeypatch.setattr(download, "urlopen", offline)
    source = Source("tiny", "idx", ("https://example.invalid/",), {"a.gz": sha(b"hello")}, ())
    (cache / "tiny").mkdir(parents=True)
    (cache / "tiny" / "a.gz").write_bytes(b"hello")
    assert download.fetch(source, "a.gz").read_bytes() == b"hello"
    (cache / "tiny" / "a.gz").write_bytes(b"hellO")  # damaged: set aside, fetched again
    with pytest.raises(DownloadError, match=r"could not download a.gz.*copy it to"):
        download.fetch(source, "a.gz")
    assert (cache / "tiny" / "a.gz.damaged").read_bytes() == b"hellO"


class _BrokenStream(io.BytesIO):
    """A response that dies after its first chunk, as a dropped connection does."""

    headers = {"Content-Length": "4000000"}

    def read(self, size=-1):
        if self.tell():
            raise ConnectionResetError("connection reset")
        return super().read(size)


def test_interrupted_download_leaves_no_partial_file(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(download, "urlopen", lambda url, timeout=None: _BrokenStream(b"x" * 2**21))
    source = Source("tiny", "idx", ("https://example.invalid/",), {"a.gz": "0" * 64}, ())
    with pytest.raises(DownloadError, match="connection reset"):
        download.fetch(source, "a.gz")
    assert list((cache / "tiny").iterdir()) == []  # neither a.gz nor its temporary file
