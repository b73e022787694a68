"""Unique pupil numbers (UPN): the DfE check letter.

A UPN is 13 characters: a check letter, the 3-digit code of the issuing authority, 8
digits, and a digit or letter. The check letter is computed from characters 2-13 (DfE,
"Unique pupil numbers (UPNs): guidance", section 3.3): multiply character n by weight n,
sum, take the remainder on division by 23, and look it up in a 23-letter alphabet
without I, O and S. CIN census rule 1510 checks it.
"""

from __future__ import annotations

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # remainder 0..22
LAST_CHARACTERS = frozenset("0123456789" + CHECK_LETTERS)  # character 13 (rule 1550)


def check_letter(rest: str) -> str | None:
    """The check letter for characters 2-13 (all digits), else None (no letter applies;
    a temporary UPN ending in a letter is not checked)."""
    if len(rest) != 12 or not rest.isdigit():
        return None
    total = sum(int(ch) * weight for weight, ch in enumerate(rest, start=2))
    return CHECK_LETTERS[total % 23]


def with_check_letter(rest: str) -> str:
    """A UPN made from its 12 characters after the check letter."""
    letter = check_letter(rest)
    if letter is None:
        raise ValueError(f"not 12 digits: {rest!r}")
    return letter + rest


def _codes(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(f"{n:03d}" for first, last in spans for n in range(first, last + 1))


# Characters 2-4: a post-April-1998 LA code or a recognised "pseudo LA" code, as DfE's CIN
# census rule 1530 lists them for 2022-23; 2023-24 adds 942 and 943 (Cumberland,
# Westmorland and Furness, the unitary authorities of April 2023).
LA_CODES_2023 = _codes(
    (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
    (380, 384), (390, 394), (420, 420), (660, 681), (701, 708), (800, 803), (805, 808),
    (810, 813), (815, 816), (820, 823), (825, 826), (830, 831), (835, 841), (845, 846),
    (850, 852), (855, 857), (860, 861), (865, 896), (908, 909), (916, 916), (919, 919),
    (921, 921), (925, 926), (928, 929), (931, 931), (933, 933), (935, 938), (940, 941))
LA_CODES_2024 = LA_CODES_2023 | _codes((942, 943))


def la_codes(collection_year: int | None) -> frozenset[str]:
    """The LA codes a UPN may carry in characters 2-4 in a collection year (31 March)."""
    return LA_CODES_2023 if collection_year is not None and collection_year <= 2023 \
        else LA_CODES_2024
