"""The slides' first models with the scikit-learn estimator API: McCulloch-Pitts, the perceptron,
the delta rule, the nearest mean and the k nearest neighbours; k-means and the RBF network."""

from profond.classic.delta_rule import DeltaRule
from profond.classic.kmeans import KMeans, RBFNetwork
from profond.classic.mcculloch_pitts import McCullochPitts
from profond.classic.perceptron import Perceptron, PerceptronStep
from profond.classic.prototypes import KNearestNeighbors, NearestMean

__all__ = ["DeltaRule", "KMeans", "KNearestNeighbors", "McCullochPitts", "NearestMean",
           "Perceptron", "PerceptronStep", "RBFNetwork"]
