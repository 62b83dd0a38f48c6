"""Forward + backward time of the scratch convolution against torch's, on the same shapes.

Cases: a mid-sized Conv2d (N=64, C=32, 26×26, 64 filters 3×3; goal ratio <= 2.0) and the three
Conv1d layers of the MNIST-1D CNN at batch 100 (goal <= 1.0). Ratio = scratch time / torch time
(best of --reps). Run with the machine's OpenBLAS overrides unset, as NumPy's kernel is then the
fast one:  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/scratch_conv_vs_torch.py
"""

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from profond.scratch.functional import conv as F

CASES = {  # name: [(x shape, W shape, stride, padding), ...] timed together
    "conv2d N64 C32 26x26 F64 3x3": [((64, 32, 26, 26), (64, 32, 3, 3), 1, 0)],
    "mnist1d-cnn conv1d x3 N100": [((100, 1, 40), (25, 1, 5), 2, 1),
                                   ((100, 25, 19), (25, 25, 3), 2, 1),
                                   ((100, 25, 10), (25, 25, 3), 2, 1)],
}
GOALS = {"conv2d N64 C32 26x26 F64 3x3": 2.0, "mnist1d-cnn conv1d x3 N100": 1.0}


def best_time(fn, reps: int) -> float:
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scratch_step(layers):
    def run():
        for x, W, b, stride, padding, dout in layers:
            fwd, bwd = (F.conv2d_forward, F.conv2d_backward) if x.ndim == 4 else (
                F.conv1d_forward, F.conv1d_backward)
            _, cache = fwd(x, W, b, stride, padding)
            bwd(dout, cache)
    return run


def torch_step(layers):
    tensors = [(torch.tensor(x, requires_grad=True), torch.tensor(W, requires_grad=True),
                torch.tensor(b, requires_grad=True), s, p, torch.tensor(d))
               for x, W, b, s, p, d in layers]

    def run():
        for x, W, b, stride, padding, dout in tensors:
            conv = torch.nn.functional.conv2d if x.ndim == 4 else torch.nn.functional.conv1d
            conv(x, W, b, stride=stride, padding=padding).backward(dout)
    return run


def make_layers(specs, gen):
    layers = []
    for x_shape, w_shape, stride, padding in specs:
        x = gen.standard_normal(x_shape, dtype=np.float32)
        W = gen.standard_normal(w_shape, dtype=np.float32)
        b = gen.standard_normal(w_shape[0], dtype=np.float32)
        out, _ = (F.conv2d_forward if len(x_shape) == 4 else F.conv1d_forward)(x, W, b, stride,
                                                                                 padding)
        layers.append((x, W, b, stride, padding, gen.standard_normal(out.shape, dtype=np.float32)))
    return layers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gen = np.random.default_rng(args.seed)
    ratios = {}
    with threadpool_limits(args.threads):
        for info in threadpool_info():
            print(f"{info['internal_api']}: {info.get('architecture')} kernel, "
                  f"{info['num_threads']} threads ({info.get('version')})")
        for name, specs in CASES.items():
            layers = make_layers(specs, gen)
            ours = best_time(scratch_step(layers), args.reps)
            theirs = best_time(torch_step(layers), args.reps)
            ratios[name] = ours / theirs
            print(f"{name}: scratch {ours * 1e3:.2f} ms, torch {theirs * 1e3:.2f} ms "
                  f"(goal ratio <= {GOALS[name]})")
    print("ratio " + ", ".join(f"{name}: {r:.2f}" for name, r in ratios.items()))


if __name__ == "__main__":
    main()
