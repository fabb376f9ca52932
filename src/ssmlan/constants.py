"""Numbers every layer shares, declared once (a leaf: imports nothing of ssmlan)."""

from importlib.metadata import version

import numpy as np

#: The installed package's version, from its metadata.
VERSION = version("ssmlan")

#: Floor of a LAN's log-likelihood and of its labels: log(1e-7), as in the LAN paper.
LOG_DENSITY_FLOOR = float(np.log(1e-7))

#: Shortest decision time (rt minus the smallest possible rt, s) a LAN distinguishes: its input
#: ``log(rt - shift)`` is clipped there, and the fastest training labels start there.
MIN_DECISION_TIME = 1e-4

#: Default longest simulated decision time (s): simulations stop there (undecided trials), and a
#: LAN's mass per choice ends there when its metadata names no training horizon.
MAX_T = 20.0

#: NUTS's target acceptance rate in step-size adaptation (every supported sampler's default).
TARGET_ACCEPT = 0.8
