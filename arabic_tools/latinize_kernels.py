"""The compiled inner loop of latinize: which index variants a span may match.

``_Matcher._promising`` (``latinize``) finds the slots near a span's skeleton with dict
look-ups; this module reads their groups and members. Per span that is a few dozen
groups and about a hundred members, too few for numpy's arrays to pay for the fixed cost
of each operation (a microsecond or so, about thirty of them per span) and too many
for a Python loop. Compiled by numba, the same arithmetic takes a few microseconds.

The arithmetic is the bound documented in ``_Matcher._promising``, in float64 and in the
order of operations of the numpy filter it replaced, so it keeps the same variants (the
5,000 lines of benchmarks/bench_latinize.py came out byte-identical). numba compiles the
function on its first call and caches the machine code next to this file (or in numba's
user cache when that is not writable).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


def _promising(found: Any, far: bool, skeleton_length: int, key_length: int, words: int, key_vowels: Any,
               lowest: float, floor: float, ceiling: float, word_count_penalty: float,
               offsets: Any, longests: Any, knowns: Any, low: Any, high: Any,
               members: Any, profile: Any, unpenalized: Any) -> Any:
    """The members of the groups of the ``found`` slots whose bound reaches ``lowest`` and
    whose length bound reaches ``floor``, or that are known renderings; sorted and once
    each when they come from more than one group.

    ``found`` holds a row (slot, length of its skeleton, whether it is the span's own
    skeleton) per slot near the span; the other arguments are those of ``_promising``
    and the index's arrays.
    """
    # The bound of a group is
    #   1 - 0.5 * max(d / (key_length + member), (d + vowel_gap) / (key_length + longest))
    #     - 0.5 * d / (skeleton_length + group_skeleton_length) - least_penalty - word_count_penalty * word_gap
    # for keys at least d apart, where member = min(longest, group_skeleton_length + vowels)
    # is the member key length that bound is highest for: ``ceiling`` (1 - least_penalty)
    # less the terms that depend on the group. At distance 0 it is ``ceiling`` until the
    # vowel and word gaps are known, so those groups are not tested before.
    vowels = key_length - skeleton_length
    # Columns of ``profile``: skeleton length, key length, variant words, a count per vowel
    # class (as in ``key_vowels``), known rendering; of ``low`` and ``high``: variant words,
    # then the same vowel counts.
    vowel_classes = key_vowels.shape[0]
    known_column = 3 + vowel_classes
    starts = np.empty(2 * found.shape[0], dtype=np.int64)
    ends = np.empty(2 * found.shape[0], dtype=np.int64)
    distances = np.empty(2 * found.shape[0], dtype=np.int64)
    kept = 0
    total = 0
    for row in range(found.shape[0]):
        slot, neighbour_length, own = found[row, 0], found[row, 1], found[row, 2]
        # Group 1 of a deletion holds keys of the span's skeleton length: distance 2.
        for half in range(2 if own or not far else 1):
            group = 2 * slot + half
            start, end = offsets[group], offsets[group + 1]
            if start == end:
                continue
            group_skeleton_length = neighbour_length + half
            # A variant with the span's own skeleton is in group 0 of the span's own
            # slot (distance 0); where else it is filed, its bound is that one.
            if group_skeleton_length != skeleton_length:
                distance = abs(group_skeleton_length - skeleton_length)
            else:
                distance = 0 if own else 2
            longest = longests[group]
            member = min(longest, group_skeleton_length + vowels)
            skeleton_term = 0.5 * distance / (skeleton_length + group_skeleton_length)
            if distance and ceiling - 0.5 * distance / (key_length + member) - skeleton_term < lowest:
                continue
            # _compared drops variants said in more than a word more or fewer than the
            # span, unless they come from a known rendering.
            if not knowns[group]:
                word_gap = max(0, low[group, 0] - words, words - high[group, 0])
                if word_gap > 1:
                    continue
                vowel_gap = 0
                for column in range(vowel_classes):
                    wanted = key_vowels[column]
                    vowel_gap += max(0, low[group, column + 1] - wanted, wanted - high[group, column + 1])
                if ceiling - 0.5 * max(distance / (key_length + member), (distance + vowel_gap) / (key_length + longest)) \
                        - skeleton_term - word_count_penalty * word_gap < lowest:
                    continue
            starts[kept], ends[kept], distances[kept] = start, end, distance
            kept += 1
            total += end - start
    # Each member by the same bound, with the vowel and word gaps of its own key (a
    # member's distance is its group's), and by the length bound of _compared.
    chosen = np.empty(total, dtype=members.dtype)
    count = 0
    for part in range(kept):
        distance = distances[part]
        for position in range(starts[part], ends[part]):
            variant = members[position]
            skeleton_gap = abs(profile[variant, 0] - skeleton_length)
            length_gap = abs(profile[variant, 1] - key_length)
            word_gap = abs(profile[variant, 2] - words)
            vowel_gap = 0
            for column in range(vowel_classes):
                vowel_gap += abs(profile[variant, 3 + column] - key_vowels[column])
            skeleton_half = 0.5 / (profile[variant, 0] + skeleton_length)
            length_half = 0.5 / (profile[variant, 1] + key_length)
            base = unpenalized[variant] - word_count_penalty * word_gap
            bound = base - (distance + vowel_gap) * length_half - distance * skeleton_half
            length_bound = base - (skeleton_gap * skeleton_half + length_gap * length_half)
            if bound >= lowest and length_bound >= floor and word_gap <= 1 or profile[variant, known_column] > 0:
                chosen[count] = variant
                count += 1
    # Each group is sorted and holds a variant once; groups together may not be.
    if kept > 1 and count > 1:
        return np.unique(chosen[:count])
    return chosen[:count]


def _compiled(function: Any) -> Any:
    try:
        return numba.njit(cache=True)(function)
    except RuntimeError:  # no folder to cache the machine code in: compiled in each process
        return numba.njit(function)


promising = _compiled(_promising)
