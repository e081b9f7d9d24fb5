"""Every error the user caused is a UserError: the magics and the CLI map that one class."""

from __future__ import annotations

import pytest

from praxis_lab.errors import UserError
from praxis_lab.protocol.analyse import ProtocolError, analyse
from praxis_lab.store.audit import InvalidRequestTransition, PayloadError, RequestError
from praxis_lab.store.db import StoreError


@pytest.mark.parametrize("cls", [ProtocolError, StoreError, RequestError,
                                 InvalidRequestTransition, PayloadError])
def test_protocol_store_and_request_errors_are_user_errors(cls: type) -> None:
    assert issubclass(cls, UserError)


def test_the_errors_keep_the_builtin_bases_callers_catch() -> None:
    assert issubclass(ProtocolError, ValueError) and issubclass(RequestError, ValueError)
    assert issubclass(StoreError, RuntimeError)


def test_a_protocol_error_says_its_place_on_the_first_line_and_the_caret_below() -> None:
    with pytest.raises(UserError) as exc:
        analyse("async def p(lh: LiquidHandler:\n    pass\n", None, "p.py")
    first, source, caret = str(exc.value).splitlines()
    assert first.startswith("syntax error in p.py: ") and first.endswith("@ 1:29")
    assert source.strip() == "async def p(lh: LiquidHandler:" and caret.strip() == "^"
