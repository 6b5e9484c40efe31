"""Bipartite matching of slots to signers (augmenting paths, Kuhn's algorithm).

Every slot must get a distinct signer; signers left over are surplus. A greedy fill is wrong:
with slots [ก or ข] and [ก], the signers {ก, ข} only fit if ข takes the first slot. Branches
have at most a few dozen slots, so the O(V·E) augmenting-path search is ample; Hopcroft–Karp
would only pay off at sizes a signing clause never reaches.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["perfect_matching"]


def perfect_matching(adjacency: Sequence[Sequence[int]], n_right: int) -> list[int] | None:
    """Match every left vertex to a distinct right vertex (right vertices may stay unmatched).

    ``adjacency[i]`` lists the right vertices (signers) that left vertex ``i`` (a slot) may take.
    Returns ``match[i]`` = the signer of slot ``i``, or ``None`` when no matching covers the whole
    left side. Deterministic: earlier right vertices are preferred.
    """
    owner: list[int] = [-1] * n_right

    def augment(i: int, seen: list[bool]) -> bool:
        # a free vertex first, so that an augmenting path only reorders when it must: signers keep
        # the order they came in and the surplus is the last of them
        for j in adjacency[i]:
            if owner[j] == -1 and not seen[j]:
                seen[j] = True
                owner[j] = i
                return True
        for j in adjacency[i]:
            if seen[j]:
                continue
            seen[j] = True
            if owner[j] == -1 or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(adjacency)):
        if not augment(i, [False] * n_right):
            return None
    match = [-1] * len(adjacency)
    for j, i in enumerate(owner):
        if i != -1:
            match[i] = j
    return match
