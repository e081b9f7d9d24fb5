"""Identity keys for praxis_lab's own memos, without an audit event each.

CPython raises the audit event ``builtins.id`` on every :func:`id` call, and the
simulation sandbox (:mod:`praxis_lab.trace.sandbox`) keeps an audit hook installed for
the life of the process: a simulation keys thousands of wells, spots and trackers by
identity, and each :func:`id` would call the hook for nothing (about a tenth of a
simulation). :func:`uid` is ``object.__hash__``, the object's address rotated by four
bits (a bijection of addresses, so two live objects never share one), which raises no
event. Like :func:`id`, a key is only unique while its object lives: a memo keyed by it
keeps the object alive, or checks it is the same object.

>>> a, b = object(), object()
>>> uid(a) == uid(a), uid(a) == uid(b)
(True, False)
>>> class Loud:  # a class's own __hash__ (PLR's resources hash their repr) is not used
...     def __hash__(self) -> int:
...         return 0
>>> uid(Loud()) != 0
True
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["uid"]

uid: Callable[[object], int] = object.__hash__
