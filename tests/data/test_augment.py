"""Augmentation on tensors: shapes, identities, and the geometry against references."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.data.augment import (
    ColorJitter,
    Compose,
    RandomAffine,
    RandomCrop,
    RandomCrop1d,
    RandomHorizontalFlip,
    Standardize,
)

shapes = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(3, 9), st.integers(3, 9))


@settings(max_examples=25, deadline=None)
@given(shape=shapes, padding=st.integers(0, 3), seed=st.integers(0, 1000))
def test_random_crop_returns_a_window_of_the_zero_padded_image(shape, padding, seed):
    torch.manual_seed(seed)
    x = torch.randn(shape)
    out = RandomCrop(padding)(x)
    assert out.shape == x.shape
    H, W = shape[2:]
    padded = np.pad(x.numpy(), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    for n in range(shape[0]):
        windows = [padded[n, :, i:i + H, j:j + W] for i in range(2 * padding + 1)
                   for j in range(2 * padding + 1)]
        assert any(np.array_equal(out[n].numpy(), w) for w in windows)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 4), channels=st.sampled_from([None, 1, 3]), length=st.integers(2, 12),
       padding=st.integers(0, 3), seed=st.integers(0, 1000))
def test_random_crop1d_returns_a_shift_of_the_zero_padded_signal(n, channels, length, padding,
                                                                  seed):
    torch.manual_seed(seed)
    shape = (n, length) if channels is None else (n, channels, length)
    x = torch.randn(shape)
    out = RandomCrop1d(padding)(x)
    assert out.shape == x.shape
    pad = [(0, 0)] * (x.dim() - 1) + [(padding, padding)]
    padded = np.pad(x.numpy(), pad)
    for i in range(n):  # every channel of one example moves by the same offset
        shifts = [padded[i, ..., k:k + length] for k in range(2 * padding + 1)]
        assert any(np.array_equal(out[i].numpy(), s) for s in shifts)


def test_crop_without_padding_and_flip_with_p0_are_identities():
    x = torch.randn(4, 3, 5, 6)
    assert torch.equal(RandomCrop(0)(x), x)
    assert torch.equal(RandomHorizontalFlip(0.0)(x), x)
    assert torch.equal(RandomHorizontalFlip(1.0)(x), torch.from_numpy(x.numpy()[..., ::-1].copy()))


def test_flip_probability_is_respected():
    torch.manual_seed(0)
    x = torch.arange(2.0).view(1, 1, 1, 2).repeat(4000, 1, 1, 1)
    flipped = (RandomHorizontalFlip(0.3)(x)[:, 0, 0, 0] == 1).float().mean().item()
    assert abs(flipped - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 4000)


def test_affine_identity_and_quarter_turn():
    x = torch.randn(2, 3, 6, 6)
    torch.testing.assert_close(RandomAffine(0.0, (1.0, 1.0))(x), x)
    # torch.rot90(k=1) turns counter-clockwise, as torchvision's positive angles do
    torch.testing.assert_close(RandomAffine((90.0, 90.0), (1.0, 1.0))(x),
                               torch.rot90(x, 1, (-2, -1)), atol=1e-5, rtol=0)


def test_affine_zoom_magnifies_about_the_centre():
    x = torch.zeros(1, 1, 8, 8)
    x[..., 3:5, 3:5] = 1.0  # a centred 2x2 square becomes a centred 4x4 one at zoom 2
    out = RandomAffine(0.0, (2.0, 2.0))(x)[0, 0]
    assert out[2:6, 2:6].min() > 0.2 and out[:1].abs().max() == 0 and out[:, :1].abs().max() == 0


def test_contrast_keeps_the_image_mean_and_jitter_zero_is_identity():
    torch.manual_seed(0)
    x = torch.rand(6, 1, 5, 5)
    out = ColorJitter(brightness=0.0, contrast=0.5, saturation=0.0)(x)
    torch.testing.assert_close(out.mean((1, 2, 3)), x.mean((1, 2, 3)))
    assert not torch.allclose(out, x)
    rgb = torch.rand(3, 3, 4, 4)
    torch.testing.assert_close(ColorJitter(0.0, 0.0, 0.0)(rgb), rgb)


def test_saturation_blends_with_the_itu601_grey_image():
    x = torch.rand(2, 3, 4, 4)
    jitter = ColorJitter(brightness=0.0, contrast=0.0, saturation=1.0)
    torch.manual_seed(0)
    factor = [torch.rand(2) for _ in range(3)][2]  # brightness, contrast, then s = 0 + 2u
    torch.manual_seed(0)
    out = jitter(x)
    grey = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)
    expected = grey + (2 * factor).view(2, 1, 1, 1) * (x - grey)
    torch.testing.assert_close(out, expected)


def test_standardize_fit_gives_zero_mean_unit_std_per_channel():
    X = torch.randn(50, 3, 4, 4) * torch.tensor([1.0, 5.0, 0.1]).view(1, 3, 1, 1) + 3
    Z = Standardize.fit(X)(X)
    torch.testing.assert_close(Z.mean((0, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(Z.std((0, 2, 3)), torch.ones(3), atol=1e-4, rtol=0)


def test_compose_chains_in_order_and_bad_arguments_are_named():
    x = torch.randn(2, 1, 4, 4)
    chain = Compose([RandomHorizontalFlip(1.0), lambda t: t * 2])
    torch.testing.assert_close(chain(x), x.flip(-1) * 2)
    with pytest.raises(ValueError, match=r"p: expected a number in \[0.0, 1.0\]; got 1.5"):
        RandomHorizontalFlip(1.5)
    with pytest.raises(ValueError, match=r"padding: expected an integer >= 0; got -1"):
        RandomCrop(-1)
    with pytest.raises(ValueError, match=r"std: expected numbers > 0"):
        Standardize([0.0], [0.0])


def test_augmentation_names_build_the_transforms_for_the_input_kind():
    from profond.data.augment import (
        ColorJitter,
        RandomCrop,
        RandomCrop1d,
        RandomHorizontalFlip,
        augmentation,
    )

    images = augmentation("crop, flip,jitter", (3, 32, 32))
    assert [type(t) for t in images.transforms] == [RandomCrop, RandomHorizontalFlip, ColorJitter]
    assert images.transforms[0].padding == 4 and augmentation("crop", (1, 8, 8)).transforms[
        0].padding == 1
    assert [type(t) for t in augmentation("crop1d", (40,)).transforms] == [RandomCrop1d]
    assert augmentation("", (40,)) is None
    with pytest.raises(ValueError, match=r"--augment: expected names among crop, flip, affine, "
                                         r"jitter for images \(C, H, W\); got 'crop1d'"):
        augmentation("crop1d", (1, 8, 8))
