"""Public identifiers: the unguessable codes that URLs carry instead of sequential ids."""

import secrets

# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: easy to read aloud and type.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
UID_LENGTH = 12  # 31**12 ≈ 7.9e17, about 59 bits


def new_uid() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(UID_LENGTH))


def new_invite_code(length: int = 8) -> str:
    """A short code for a compound's notice-board poster; upper-case for legibility."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length)).upper()
