"""``python -m praxis_lab.cli``: the ``praxis-lab`` command."""

from praxis_lab.cli import console

console()
