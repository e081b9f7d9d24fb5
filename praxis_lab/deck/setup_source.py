"""A setup function's code: the text it is defined in, its name and its globals.

Edits made in the deck view are written back into this text
(:func:`praxis_lab.deck.writeback.rewrite`), then checked: the rewritten function is run
(its module's imports and the function alone, in the setup's own globals) and must build
the deck the editor holds, carrier by carrier and labware by labware.

>>> ns = {}
>>> exec("def make_deck():\\n    return {}\\n", ns)
>>> SetupSource.of(ns["make_deck"]) is None  # exec'd text is nowhere to read again
True
"""

from __future__ import annotations

import ast
import linecache
from dataclasses import dataclass, field
from typing import Any

from praxis_lab import _plr
from praxis_lab.deck.plan import DeckPlan, read

__all__ = ["SetupSource"]

_P = _plr.PLR


@dataclass
class SetupSource:
    """The text (a file, a notebook cell) defining setup ``function``, and its globals."""

    text: str
    function: str
    namespace: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, fn: Any) -> SetupSource | None:
        """Where ``fn`` was defined (Python's line cache holds files and notebook cells),
        or None when its text cannot be read again."""
        code = getattr(fn, "__code__", None)
        if code is None:
            return None
        text = "".join(linecache.getlines(code.co_filename))
        if not text:
            return None
        return cls(text, fn.__name__, dict(getattr(fn, "__globals__", {})))

    def rewritten(self, before: DeckPlan, after: DeckPlan) -> str:
        """The text with the edits from ``before`` to ``after`` written into the function,
        checked by running it."""
        from praxis_lab.deck.writeback import rewrite  # LibCST is imported when needed

        new = rewrite(self.text, self.function, before, after)
        self._check(new, after)
        return new

    def _check(self, text: str, after: DeckPlan) -> None:
        """Run the rewritten setup (its imports and the function only) and compare the deck
        it builds with this one; WritebackError naming the first difference."""
        function = self.function
        tree = ast.parse(text)
        tree.body = [s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom) or (
            isinstance(s, ast.FunctionDef) and s.name == function)]
        namespace = dict(self.namespace)
        try:
            exec(compile(tree, f"<{function} written back>", "exec"), namespace)
            made = namespace[function]()
            handler = next(o for o in made.values() if isinstance(o, _P["LiquidHandler"]))
            built = read(handler.deck, made)
        except Exception as exc:
            from praxis_lab.deck.writeback import WritebackError

            raise WritebackError(f"the {function}() written back raised {type(exc).__name__}: "
                                 f"{exc}; export the deck instead") from None
        for mine, theirs in zip(after.parts(), built.parts(), strict=False):
            if mine != theirs:
                raise _differs(function, f"{theirs}, not {mine}")
        if len(after.parts()) != len(built.parts()):
            raise _differs(function, "another number of carriers or labware")


def _differs(function: str, what: str) -> ValueError:
    from praxis_lab.deck.writeback import WritebackError

    return WritebackError(f"the {function}() written back builds {what}; export the deck "
                          "instead")
