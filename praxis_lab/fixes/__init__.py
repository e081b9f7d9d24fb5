"""Fixes for failure modes: LibCST codemods, tip fixes, and the rules that propose them."""
