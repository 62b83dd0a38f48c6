"""The single training loop shared by the scratch and torch learners."""
