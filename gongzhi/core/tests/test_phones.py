"""Mainland mobile numbers (gongzhi.core.phones): normalised, validated and masked one way."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.phones import PHONE_RE, mask_phone, normalise_phone, phone_validator


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 13812345678", "008613812345678", " 13812345678 "]
)
def test_what_people_type_is_normalised(raw):
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("bad", ["", None, "12345", "23812345678", "1381234567x", "138123456789", "12812345678"])
def test_what_is_not_a_mobile_number_is_refused(bad):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(bad)
    assert caught.value.code == "phone"


def test_the_validator_takes_exactly_the_normalised_form():
    phone_validator("13812345678")
    with pytest.raises(ValidationError):
        phone_validator("138 1234 5678")
    assert PHONE_RE.match("19912345678") and not PHONE_RE.match("1991234567")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("02158000000", "021****0000"), ("1234567", "1234567"), ("123456", "******")],
)
def test_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("empty", ["", None])
def test_no_number_masks_to_nothing(empty):
    assert mask_phone(empty) == ""
