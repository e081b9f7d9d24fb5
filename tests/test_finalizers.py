"""The classes a protocol loaded with ``confine`` defines finalize through it: their own
``__del__`` or the one they inherit, once; a class defined elsewhere is untouched."""

from __future__ import annotations

import builtins
from typing import Any

from praxis_lab.protocol.finalizers import builtins_with
from praxis_lab.protocol.loading import load

SOURCE = '''
class Log:
    def __init__(self, said):
        self.said = said

    def __del__(self):
        said.append(self.said)

async def p(lh: LiquidHandler):
    pass
'''


def _confining(seen: list[str]) -> Any:
    def confine(finalizer: Any) -> None:
        seen.append("confined")
        finalizer()
    return confine


class _Confine:
    """A loader's confinement that says what it was given."""

    def __init__(self, seen: list[str]) -> None:
        self.finalize, self.seen = _confining(seen), seen

    def code(self, code: Any) -> Any:
        self.seen.append(f"code of {code.co_filename}")
        return code


def _run(code: str, log: list[str], **names: Any) -> dict[str, Any]:
    ns = {"__builtins__": builtins_with(vars(builtins), _confining(log)), **names}
    exec(code, ns)
    return ns


def test_a_class_the_protocol_defines_finalizes_through_confine_and_still_finalizes():
    seen: list[str] = []
    ns = _run("class Log:\n    def __del__(self):\n        seen.append('finalized')\nLog()",
              seen, seen=seen)
    assert seen == ["confined", "finalized"]
    assert ns["Log"].__del__.__name__ == "__del__" and ns["Log"].__del__.__wrapped__


def test_an_inherited_finalizer_is_confined_once_and_the_base_outside_is_untouched():
    seen: list[str] = []

    class Outside:  # defined by a library, or the notebook: not the protocol's
        def __del__(self) -> None:
            seen.append("outside")

    original = Outside.__del__
    _run("class Mine(Outside):\n    pass\nclass Deeper(Mine):\n    pass\nDeeper()\n",
         seen, Outside=Outside)
    Outside()
    assert seen == ["confined", "outside", "outside"] and Outside.__del__ is original


def test_a_finalizer_calling_its_base_s_is_confined_for_each_and_classes_without_none():
    seen: list[str] = []
    _run("class A:\n    def __del__(self):\n        seen.append('a')\n"
         "class B(A):\n    def __del__(self):\n        seen.append('b'); super().__del__()\n"
         "class Plain:\n    pass\nB(); Plain()\n", seen, seen=seen)
    assert seen == ["confined", "b", "confined", "a"]


def test_a_class_with_a_metaclass_that_refuses_new_attributes_is_confined_all_the_same():
    seen: list[str] = []

    class Frozen(type):
        def __setattr__(cls, name: str, value: Any) -> None:
            raise AttributeError(name)

    _run("class Log(metaclass=Frozen):\n    def __del__(self):\n        seen.append('f')\n"
         "Log()\n", seen, seen=seen, Frozen=Frozen)
    assert seen == ["confined", "f"]


def test_load_with_confine_confines_the_protocol_s_classes_and_without_it_leaves_them():
    seen: list[str] = []
    confined = load(SOURCE, confine=_Confine(seen))
    plain = load(SOURCE)
    for loaded in (confined, plain):
        loaded.namespace["said"] = seen
        loaded.namespace["Log"]("finalized")
    assert seen == [f"code of {confined.info.filename}", "confined", "finalized", "finalized"]


def test_deferred_imports_are_kept_beside_the_confined_classes(monkeypatch):
    from praxis_lab.protocol import deferred

    monkeypatch.setattr(deferred, "worth_it", lambda source: True)
    monkeypatch.setattr(deferred, "plan", lambda source, calls: {"pylabrobot.x": frozenset("Y")})
    given = load(SOURCE, confine=_Confine([]), calls=()).namespace["__builtins__"]
    assert given["__import__"] is not builtins.__import__ and "__build_class__" in given
