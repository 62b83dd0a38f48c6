"""Training procedures and pictures for the generative models of decks 001, 002 and 004.

`learners`: autoencoders and VAEs as "a model + a loss" (ReconstructionLearner), the GAN's
alternating two-optimizer step (GANLearner); both are driven by the one Trainer. `fit`: training
recipes (plain, denoising, sparse, greedy layer-wise pretraining). `monitor`: per-epoch logs and
the GAN's diversity score. `pictures`: PNG figures. Importing this package imports nothing heavy.
"""
