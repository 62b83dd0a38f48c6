"""Shared pieces of the "limits of deep learning" experiments (deck 003): polynomial fits, label
noise, distillation, compression, subgroup audits, energy tracking, OOD scores and saliency maps.

Importing this package imports nothing heavy; each module imports torch or sklearn itself.
"""
