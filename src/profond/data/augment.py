"""Data augmentation on batches of image tensors (N, C, H, W), on whatever device they live.

Each transform is a callable `x -> x'` drawing its randomness per example from torch's generator
(seeded by `seed_everything`, saved in checkpoints), so batches already on the GPU never go back to
the host. `Compose` chains them; `TorchLearner(augment=...)` applies one to every training batch.
No torchvision: the geometry is `affine_grid` + `grid_sample`, the rest is tensor arithmetic.
"""

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

from profond.checks import check_int, check_positive, check_range


class Compose:
    """x' = t_k(... t_1(x)); mirrors torchvision.transforms.Compose."""

    def __init__(self, transforms: Sequence[Callable[[torch.Tensor], torch.Tensor]]):
        self.transforms = list(transforms)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        for transform in self.transforms:
            x = transform(x)
        return x


class Standardize:
    """x' = (x - mean_c) / std_c per channel c; `fit(X)` takes mean and std over (N, H, W).

    Mirrors torchvision.transforms.Normalize(mean, std).
    """

    def __init__(self, mean: Sequence[float] | torch.Tensor, std: Sequence[float] | torch.Tensor):
        self.mean = torch.as_tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1)
        self.std = torch.as_tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1)
        if (self.std <= 0).any():
            raise ValueError(f"std: expected numbers > 0; got {self.std.flatten().tolist()}")

    @classmethod
    def fit(cls, X: torch.Tensor, eps: float = 1e-8) -> "Standardize":
        dims = (0, 2, 3)
        return cls(X.mean(dims), X.std(dims) + eps)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean.to(x.device)) / self.std.to(x.device)


class RandomCrop:
    """Pad by `padding` pixels (zeros), then crop back to H × W at a random offset per example.

    Mirrors torchvision.transforms.RandomCrop(size=(H, W), padding=padding).
    """

    def __init__(self, padding: int = 4):
        self.padding = check_int("padding", padding, minimum=0)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        N, C, H, W = x.shape
        p = self.padding
        padded = F.pad(x, (p, p, p, p))
        dy = torch.randint(0, 2 * p + 1, (N, 1, 1), device=x.device)
        dx = torch.randint(0, 2 * p + 1, (N, 1, 1), device=x.device)
        rows = dy + torch.arange(H, device=x.device).view(1, H, 1)
        cols = dx + torch.arange(W, device=x.device).view(1, 1, W)
        batch = torch.arange(N, device=x.device).view(N, 1, 1)
        return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


class RandomCrop1d:
    """Pad the last axis by `padding` zeros each side, crop back L samples at a random offset per
    example: a random shift of a 1-D signal (N, L) or (N, C, L), e.g. MNIST-1D.

    The 1-D analogue of torchvision.transforms.RandomCrop(size=L, padding=padding).
    """

    def __init__(self, padding: int = 3):
        self.padding = check_int("padding", padding, minimum=0)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        p, L = self.padding, x.shape[-1]
        flat = F.pad(x, (p, p)).reshape(len(x), -1, L + 2 * p)
        offset = torch.randint(0, 2 * p + 1, (len(x), 1, 1), device=x.device)
        index = (offset + torch.arange(L, device=x.device)).expand(-1, flat.shape[1], -1)
        return flat.gather(2, index).reshape(x.shape)


class RandomHorizontalFlip:
    """x'[..., j] = x[..., W - 1 - j] with probability p per example; mirrors torchvision's."""

    def __init__(self, p: float = 0.5):
        self.p = check_range("p", p, 0.0, 1.0)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        flip = torch.rand(len(x), 1, 1, 1, device=x.device) < self.p
        return torch.where(flip, x.flip(-1), x)


class RandomAffine:
    """Rotate by θ ~ U(-degrees, degrees) (counter-clockwise) and zoom by s ~ U(scale) about the
    centre (bilinear, zeros outside): output pixel at u samples the input at R(θ)^-1 u / s.

    Mirrors torchvision.transforms.RandomAffine(degrees, scale=scale); `degrees` may be a
    (low, high) pair.
    """

    def __init__(self, degrees: float | tuple[float, float] = 10.0,
                 scale: tuple[float, float] = (0.9, 1.1)):
        low, high = (-degrees, degrees) if isinstance(degrees, int | float) else degrees
        self.degrees = (float(low), float(high))
        for name, value in (("scale[0]", scale[0]), ("scale[1]", scale[1])):
            check_positive(name, value)
        self.scale = (float(scale[0]), float(scale[1]))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        N = len(x)
        theta_deg = _uniform(N, *self.degrees, x.device)
        s = _uniform(N, *self.scale, x.device)
        angle = theta_deg * (math.pi / 180)
        cos, sin = torch.cos(angle) / s, torch.sin(angle) / s
        zero = torch.zeros_like(cos)
        # affine_grid maps output coordinates to input ones, hence the inverse rotation and 1/s;
        # with y pointing down, this inverse makes a positive angle turn counter-clockwise.
        theta = torch.stack([torch.stack([cos, -sin, zero], 1),
                             torch.stack([sin, cos, zero], 1)], 1)
        grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class ColorJitter:
    """x' = mean_gray + c·(b·x − mean_gray), then saturation blends with the grey image; each
    factor ~ U(1 − amount, 1 + amount) per example. Mirrors torchvision.transforms.ColorJitter
    (brightness, contrast, saturation) without hue.
    """

    def __init__(self, brightness: float = 0.2, contrast: float = 0.2, saturation: float = 0.2):
        self.brightness = check_range("brightness", brightness, 0.0, 1.0)
        self.contrast = check_range("contrast", contrast, 0.0, 1.0)
        self.saturation = check_range("saturation", saturation, 0.0, 1.0)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        N = len(x)
        x = x * _uniform(N, 1 - self.brightness, 1 + self.brightness, x.device).view(N, 1, 1, 1)
        grey = _grey(x)
        mean = grey.mean((1, 2, 3), keepdim=True)
        c = _uniform(N, 1 - self.contrast, 1 + self.contrast, x.device).view(N, 1, 1, 1)
        x = mean + c * (x - mean)
        if x.shape[1] == 3:
            s = _uniform(N, 1 - self.saturation, 1 + self.saturation, x.device).view(N, 1, 1, 1)
            grey = _grey(x)
            x = grey + s * (x - grey)
        return x


IMAGE_AUGMENTATIONS = ("crop", "flip", "affine", "jitter")
SIGNAL_AUGMENTATIONS = ("crop1d",)


def augmentation(names: str, input_shape) -> Compose | None:
    """The transform `profond train --augment` names: comma-separated crop, flip, affine, jitter
    for images (C, H, W) and crop1d for signals (L,); None for "". Crops pad by an eighth of the
    side (4 pixels at 32, 1 at 8), the shift the MNIST-1D recipe uses is 3 samples."""
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    if not wanted:
        return None
    shape = tuple(input_shape)
    allowed = IMAGE_AUGMENTATIONS if len(shape) == 3 else SIGNAL_AUGMENTATIONS
    for name in wanted:
        if name not in allowed:
            kind = "images (C, H, W)" if len(shape) == 3 else f"inputs of shape {shape}"
            raise ValueError(f"--augment: expected names among {', '.join(allowed)} for {kind}; "
                             f"got {name!r}")
    side = shape[-1]
    make = {"crop": lambda: RandomCrop(max(1, side // 8)), "flip": RandomHorizontalFlip,
            "affine": RandomAffine, "jitter": ColorJitter, "crop1d": lambda: RandomCrop1d(3)}
    return Compose([make[name]() for name in wanted])


def _grey(x: torch.Tensor) -> torch.Tensor:
    """ITU-R 601 luma for RGB (as torchvision's rgb_to_grayscale); the image itself otherwise."""
    if x.shape[1] != 3:
        return x
    weights = torch.tensor([0.299, 0.587, 0.114], device=x.device, dtype=x.dtype)
    return (x * weights.view(1, 3, 1, 1)).sum(1, keepdim=True)


def _uniform(n: int, low: float, high: float, device) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, device=device)
