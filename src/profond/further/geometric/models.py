"""Three networks for three representations of a shape: PointNet, a voxel CNN, a mesh GCN."""

import torch
from torch import nn


def _shared_mlp(widths: tuple[int, ...]) -> nn.Sequential:
    """The same MLP on every point: Conv1d with kernel_size=1, BatchNorm1d, ReLU per layer."""
    layers = []
    for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
        layers += [nn.Conv1d(c_in, c_out, kernel_size=1), nn.BatchNorm1d(c_out), nn.ReLU()]
    return nn.Sequential(*layers)


class TNet(nn.Module):
    """T = I + f(max_i h(x_i)): a (k, k) alignment matrix predicted from the points themselves.

    (N, k, P) -> (N, k, k). The last Linear starts at zero, so T starts as the identity.
    PointNet's T-net (Qi et al. 2017, fig. 2).
    """

    def __init__(self, k: int = 3, width: int = 64):
        super().__init__()
        self.k = k
        self.h = _shared_mlp((k, width, 2 * width))
        self.f = nn.Sequential(nn.Linear(2 * width, width), nn.ReLU(), nn.Linear(width, k * k))
        nn.init.zeros_(self.f[-1].weight)
        nn.init.zeros_(self.f[-1].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        delta = self.f(self.h(x).amax(dim=2)).view(-1, self.k, self.k)
        return torch.eye(self.k, device=x.device, dtype=x.dtype) + delta


class PointNet(nn.Module):
    """y = g(max_i h(T x_i)): a shared MLP h on each point, the symmetric max over points, a head g.

    (N, P, in_channels) -> (N, num_classes) logits; the max makes the output independent of the
    order of the P points. h is Conv1d(kernel_size=1) (torch.nn.Conv1d); T is an optional TNet.
    """

    def __init__(self, num_classes: int, in_channels: int = 3,
                 widths: tuple[int, ...] = (64, 128, 256), input_transform: bool = True,
                 dropout: float = 0.3):
        super().__init__()
        self.tnet = TNet(in_channels) if input_transform else None
        self.h = _shared_mlp((in_channels, *widths))
        self.g = nn.Sequential(nn.Linear(widths[-1], 128), nn.BatchNorm1d(128), nn.ReLU(),
                               nn.Dropout(dropout), nn.Linear(128, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.transpose(1, 2)  # (N, C, P): Conv1d's channels-first layout
        if self.tnet is not None:
            x = torch.bmm(self.tnet(x), x)
        return self.g(self.h(x).amax(dim=2))


class VoxelCNN(nn.Module):
    """y = g(pool(conv3d(...conv3d(V)))): Conv3d 3x3x3 blocks with max-pooling, global max, Linear.

    (N, 1, R, R, R) occupancy -> (N, num_classes) logits. VoxNet's recipe (Maturana & Scherer
    2015) with a global pool; torch.nn.Conv3d, torch.nn.MaxPool3d.
    """

    def __init__(self, num_classes: int, channels: tuple[int, ...] = (16, 32, 64),
                 dropout: float = 0.3):
        super().__init__()
        layers, c_in = [], 1
        for i, c_out in enumerate(channels):
            layers += [nn.Conv3d(c_in, c_out, kernel_size=3, padding=1), nn.BatchNorm3d(c_out),
                       nn.ReLU()]
            if i < len(channels) - 1:
                layers.append(nn.MaxPool3d(2))
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(c_in, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).amax(dim=(2, 3, 4)))


class GCNConv(nn.Module):
    """H' = Â H W + b with Â = D^-1/2 (A + I) D^-1/2 given (Kipf & Welling 2017).

    H (N, V, in_features), Â (N, V, V) dense and batched -> (N, V, out_features).
    torch_geometric.nn.GCNConv, with the normalised adjacency computed beforehand.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None
        nn.init.xavier_uniform_(self.weight)  # Glorot, as in the paper and PyG

    def forward(self, H: torch.Tensor, A_hat: torch.Tensor) -> torch.Tensor:
        out = A_hat @ (H @ self.weight)
        return out + self.bias if self.bias is not None else out


class MeshGCN(nn.Module):
    """y = g([max_v H_v, mean_v H_v]), H = GCN layers on the vertex adjacency of the mesh.

    (N, V, in_features + V) packed rows [features | Â row] (profond.further.geometric.data
    .pack_graphs) -> (N, num_classes) logits. Padded vertices (Â_vv = 0) are left out of the pools.
    """

    def __init__(self, num_classes: int, in_features: int = 3, hidden: int = 64,
                 num_layers: int = 3, dropout: float = 0.3):
        super().__init__()
        self.in_features = in_features
        sizes = (in_features,) + (hidden,) * num_layers
        self.convs = nn.ModuleList(GCNConv(a, b) for a, b in zip(sizes[:-1], sizes[1:],
                                                                  strict=True))
        self.g = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                               nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        H, A_hat = x[..., :self.in_features], x[..., self.in_features:]
        mask = (A_hat.diagonal(dim1=1, dim2=2) > 0).unsqueeze(-1)  # real vertices have a self-loop
        for conv in self.convs:
            H = torch.relu(conv(H, A_hat))
        pooled_max = H.masked_fill(~mask, float("-inf")).amax(dim=1)
        pooled_mean = (H * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        return self.g(torch.cat([pooled_max, pooled_mean], dim=1))
