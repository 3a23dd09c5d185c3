"""ponder for Python: games and CFR solvers, the card layer, the postflop solver and the hold'em engine.

Everything is implemented in Rust (the ``ponder._native`` extension); this package re-exports it and adds
the OpenSpiel bridge (:mod:`ponder.openspiel`) and pandas views (:func:`node_frame`).
"""

from ponder._native import *  # noqa: F401,F403
from ponder._native import __version__  # noqa: F401
from ponder.frames import node_frame  # noqa: F401
