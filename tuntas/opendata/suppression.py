"""Small-count suppression with complementary suppression over published linear relations.

Every published count that lies between 1 and ``threshold - 1`` is suppressed (primary). Then
each *relation* — a set of published numbers whose sum, or difference, anyone can form (a total
and the cells it adds up; two families of totals over the same month) — is checked: if exactly
one number in it is hidden, or the hidden ones add up to less than ``threshold``, the smallest
visible non-zero number of that relation is hidden as well. This repeats until no relation
changes, so no hidden count can be recovered from one relation by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence


def suppress(
    values: Sequence[int], relations: Sequence[Sequence[int]], *, threshold: int
) -> list[bool]:
    """``relations`` hold indexes into ``values``; the answer says which value is hidden."""
    hidden = [0 < value < threshold for value in values]
    changed = True
    while changed:
        changed = False
        for relation in relations:
            hidden_items = [index for index in relation if hidden[index]]
            if not hidden_items:
                continue
            if len(hidden_items) >= 2 and sum(values[i] for i in hidden_items) >= threshold:
                continue
            candidates = [index for index in relation if not hidden[index] and values[index] > 0]
            if not candidates:
                continue  # everything that could hide it is hidden already
            pick = min(candidates, key=lambda index: (values[index], index))
            hidden[pick] = True
            changed = True
    return hidden
