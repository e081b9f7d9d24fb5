"""praxis_lab: trace, check and run PyLabRobot protocols from Jupyter."""

from __future__ import annotations

__version__ = "0.1.0"
