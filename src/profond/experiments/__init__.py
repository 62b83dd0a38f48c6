"""Reproducible experiments, one per course table or claim (`profond experiment list`)."""

from profond.experiments.registry import EXPERIMENTS, ExperimentResult, describe, run_experiment

__all__ = ["EXPERIMENTS", "ExperimentResult", "describe", "run_experiment"]
