"""A parameter's annotation read as a scientist writes it: the element type, whether it is
a container, whether it may be None."""

from __future__ import annotations

import pytest

from praxis_lab.protocol.annotations import extract_type


@pytest.mark.parametrize(("annotation", "types", "container", "optional"), [
    ("Plate", ("Plate",), False, False),
    ("list[Well]", ("Well",), True, False),
    ("Sequence[TipSpot]", ("TipSpot",), True, False),
    ("Optional[Plate]", ("Plate",), False, True),
    ("Plate | None", ("Plate",), False, True),
    ("'list[Well]'", ("Well",), True, False),  # a string annotation
    ("tuple[Plate, TipRack]", ("Plate", "TipRack"), True, False),
    ("resources.Plate", ("Plate",), False, False),  # by attribute
    ("dict[str, Any]", ("str",), False, False),  # a mapping: its key and value types
])
def test_an_annotation_says_its_types_and_whether_it_is_a_container_or_optional(
        annotation, types, container, optional):
    info = extract_type(annotation)
    assert (info.types, info.is_container, info.optional) == (types, container, optional)
    assert info.element_type == (types[0] if types else None)
