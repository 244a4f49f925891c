"""Masking of personal data for those who do not need to see it."""


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; anything shorter than 7 characters is hidden entirely."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
