"""The slides' worked examples that several tests check against."""

# Deck 003, "Un exemple : le OU", transcribed slide by slide (w = (0, 1, 0), eta = 1):
# x0 x1 x2 | w0 w1 w2 before | y | t | w0 w1 w2 after. The slides stop at the 9th example, where
# the weights (0, 1, 1) have just classified the whole table correctly.
SLIDE_OR_TABLE = [
    ((1, 0, 0), (0, 1, 0), 0, 0, (0, 1, 0)),
    ((1, 0, 1), (0, 1, 0), 0, 1, (1, 1, 1)),
    ((1, 1, 0), (1, 1, 1), 1, 1, (1, 1, 1)),
    ((1, 1, 1), (1, 1, 1), 1, 1, (1, 1, 1)),
    ((1, 0, 0), (1, 1, 1), 1, 0, (0, 1, 1)),
    ((1, 0, 1), (0, 1, 1), 1, 1, (0, 1, 1)),
    ((1, 1, 0), (0, 1, 1), 1, 1, (0, 1, 1)),
    ((1, 1, 1), (0, 1, 1), 1, 1, (0, 1, 1)),
    ((1, 0, 0), (0, 1, 1), 0, 0, (0, 1, 1)),
]
