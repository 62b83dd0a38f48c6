"""matplotlib for the PNG files profond writes, without taking over the user's backend."""

from __future__ import annotations

import os
import sys


def pyplot():
    """Return ``matplotlib.pyplot``, on the headless Agg backend unless the user chose one.

    Scripts and the CLI get Agg (no window, no display needed, safe off the main thread). A notebook
    (its kernel sets ``MPLBACKEND`` to the inline backend) or a session that already imported pyplot
    keeps its backend, so ``plt.show()`` still draws inline after profond saved a figure.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
