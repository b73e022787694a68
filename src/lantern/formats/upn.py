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
