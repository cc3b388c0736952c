"""Identifier formats with their check digits, in a range that can never be real.

NHS numbers use the 999 prefix, reserved for testing by NHS England; UPNs use
local authority numbers 997–999, which are not assigned to any council;
postcodes start with Q, a letter no UK postcode area begins with.
"""

from __future__ import annotations

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_check_digit(nine_digits: str) -> int | None:
    """Modulus 11 check digit of an NHS number's first nine digits; None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_valid(value: str) -> bool:
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 10:
        return False
    check = nhs_check_digit(digits[:9])
    return check is not None and check == int(digits[9])


class NhsNumbers:
    """Deterministic supply of valid test-range NHS numbers (999 000 0000 to 999 999 9999)."""

    def __init__(self) -> None:
        self._next = 0

    def take(self) -> str:
        while self._next < 1_000_000:
            body = f"999{self._next:06d}"
            self._next += 1
            check = nhs_check_digit(body)
            if check is not None:
                return body + str(check)
        raise RuntimeError("the NHS test number range is exhausted; lower --children")


def upn_check_letter(twelve: str) -> str:
    """Check letter of a Unique Pupil Number (DfE): weights 2..13 on characters 2..13, modulo 23."""
    total = sum(int(ch) * w for ch, w in zip(twelve, range(2, 14), strict=True))
    return UPN_CHECK_LETTERS[total % 23]


def make_upn(la_number: str, school_number: str, year: int, serial: int) -> str:
    body = f"{la_number}{school_number}{year % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(body) + body


def upn_is_valid(value: str) -> bool:
    value = str(value).strip().upper()
    return len(value) == 13 and value[1:].isdigit() and upn_check_letter(value[1:]) == value[0]
