"""Complementary suppression: no hidden count can be worked out from a published relation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tuntas.opendata.suppression import suppress


def test_a_small_count_is_hidden_and_so_is_a_partner_in_its_total():
    # total 3 + 10 + 20 = 33 published: hiding only the 3 would let 33 - 30 reveal it.
    values = [3, 10, 20, 33]
    hidden = suppress(values, [[3, 0, 1, 2]], threshold=5)
    assert hidden == [True, True, False, False]


def test_two_small_counts_that_add_up_to_less_than_the_threshold_take_a_third():
    values = [1, 2, 9, 12]
    hidden = suppress(values, [[3, 0, 1, 2]], threshold=5)
    assert hidden[:2] == [True, True]
    assert hidden[2] is True or hidden[3] is True


def test_counts_at_or_above_the_threshold_are_published():
    values = [5, 7, 12]
    assert suppress(values, [[2, 0, 1]], threshold=5) == [False, False, False]


@given(
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8),
    st.integers(min_value=2, max_value=6),
)
def test_no_relation_is_left_with_a_single_or_too_small_hidden_part(cells, threshold):
    values = [*cells, sum(cells)]
    relation = [len(cells), *range(len(cells))]
    hidden = suppress(values, [relation], threshold=threshold)
    for value, is_hidden in zip(values, hidden, strict=True):
        if 0 < value < threshold:
            assert is_hidden
    hidden_part = [values[i] for i in relation if hidden[i]]
    visible_left = [i for i in relation if not hidden[i] and values[i] > 0]
    if hidden_part and visible_left:
        assert len(hidden_part) >= 2 and sum(hidden_part) >= threshold
