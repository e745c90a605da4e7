"""What a clerk or a dispatcher types is checked as the national formats have it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from records.inquiries import formats


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "1HGCM82633A004352", "2t1burhe5jc034461"])
def test_a_vin_with_its_right_check_digit_is_accepted(vin):
    assert formats.vin_clean(vin) == vin.upper()


def test_a_vin_whose_check_digit_is_wrong_is_refused_with_the_digit_expected():
    with pytest.raises(ValidationError, match="check digit .* wrong: 4, where 3 is expected"):
        formats.vin_clean("1HGCM82643A004352")


@pytest.mark.parametrize("vin", ["1HGCM82633A00435", "1HGCM82633A0043521", "1HGCO82633A004352"])
def test_a_vin_of_the_wrong_length_or_with_i_o_or_q_is_refused(vin):
    with pytest.raises(ValidationError):
        formats.vin_clean(vin)


def test_a_plate_is_kept_upper_cased_without_spaces_or_dashes():
    assert formats.plate_clean(" abc-123 ") == "ABC123"
    assert formats.plate_clean("7 XYZ 88") == "7XYZ88"


@pytest.mark.parametrize("plate", ["ABCDE1234", "AB*12", "ÄBC1", ""])
def test_a_plate_longer_than_8_or_with_other_characters_is_refused(plate):
    with pytest.raises(ValidationError):
        formats.plate_clean(plate)


def test_a_state_is_a_real_two_letter_code():
    assert formats.state_clean("mo") == "MO"
    assert formats.state_clean("ON") == "ON"
    with pytest.raises(ValidationError, match="not a state"):
        formats.state_clean("ZZ")


def test_a_date_of_birth_in_the_future_or_more_than_120_years_ago_is_refused():
    today = timezone.localdate()
    assert formats.birth_date_clean(date(1980, 4, 2)) == date(1980, 4, 2)
    with pytest.raises(ValidationError, match="future"):
        formats.birth_date_clean(today + timedelta(days=1))
    with pytest.raises(ValidationError, match="120 years"):
        formats.birth_date_clean(today - timedelta(days=365 * 121))


def test_a_stolen_or_missing_time_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="future"):
        formats.past_clean(timezone.now() + timedelta(hours=1))
    assert formats.past_clean(timezone.now() - timedelta(hours=1))
