"""Privacy-preserving ML (deck 000): membership inference, gradient inversion, DP-SGD."""
