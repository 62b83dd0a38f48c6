"""Pictures of a trained convolutional model: first-layer filters and one input's feature maps."""
