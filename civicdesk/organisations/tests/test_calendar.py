"""The working-time calendar: weekends, public holidays, opening hours, closures and time zones."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicdesk.organisations.calendar import (
    NeverOpen,
    agency_calendar,
    build_calendar,
    site_calendar,
)
from civicdesk.organisations.hours import parse_weekly_hours
from civicdesk.organisations.models import Closure
from civicdesk.organisations.tests.factories import SiteFactory

HK = ZoneInfo("Asia/Hong_Kong")
LONDON = ZoneInfo("Europe/London")
OFFICE = {str(d): [["09:00", "17:00"]] for d in range(5)}
SPLIT = {str(d): [["09:00", "12:00"], ["13:00", "17:00"]] for d in range(5)}


def hk(*args):
    return datetime(*args, tzinfo=HK)


@pytest.fixture
def office():
    return build_calendar(timezone="Asia/Hong_Kong", weekly_hours=OFFICE, holiday_country="HK")


class TestWorkingDays:
    def test_weekend_is_not_a_working_day(self, office):
        assert office.is_working_day(date(2026, 11, 20))  # Friday
        assert not office.is_working_day(date(2026, 11, 21))  # Saturday
        assert not office.is_working_day(date(2026, 11, 22))  # Sunday

    def test_public_holiday_is_not_a_working_day(self, office):
        assert office.holiday_name(date(2026, 12, 25))
        assert not office.is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
        assert not office.is_working_day(date(2026, 10, 1))  # National Day, a Thursday

    def test_ten_working_days_skip_weekends(self, office):
        # Received Monday 16 Nov 10:00: day 0 is Monday, day 10 is Monday 30 Nov.
        assert office.add_working_days(hk(2026, 11, 16, 10), 10) == hk(2026, 11, 30, 17)

    def test_working_days_skip_christmas_holidays(self, office):
        # Thu 24 Dec: 25 Dec (Fri) and 26 Dec (Sat) holidays, weekend, so day 1 = Mon 28 Dec.
        assert office.add_working_days(hk(2026, 12, 24, 10), 1) == hk(2026, 12, 28, 17)

    def test_after_close_counts_from_next_working_day(self, office):
        # Friday 18:00 is after close: day 0 is Monday.
        assert office.day_zero(hk(2026, 11, 20, 18)) == date(2026, 11, 23)
        assert office.add_working_days(hk(2026, 11, 20, 18), 0) == hk(2026, 11, 23, 17)
        assert office.add_working_days(hk(2026, 11, 20, 18), 2) == hk(2026, 11, 25, 17)

    def test_weekend_receipt_counts_from_monday(self, office):
        assert office.add_working_days(hk(2026, 11, 21, 11), 1) == hk(2026, 11, 24, 17)

    def test_closure_is_skipped(self):
        calendar = build_calendar(
            timezone="Asia/Hong_Kong",
            weekly_hours=OFFICE,
            holiday_country="HK",
            closures=[date(2026, 11, 17)],
        )
        assert calendar.add_working_days(hk(2026, 11, 16, 10), 1) == hk(2026, 11, 18, 17)

    def test_working_days_between(self, office):
        assert office.working_days_between(hk(2026, 11, 16, 10), hk(2026, 11, 30, 12)) == 10
        assert office.working_days_between(hk(2026, 11, 20, 10), hk(2026, 11, 23, 9)) == 1

    def test_negative_days_are_refused(self, office):
        with pytest.raises(ValueError):
            office.add_working_days(hk(2026, 11, 16, 10), -1)


class TestWorkingHours:
    def test_within_one_day(self, office):
        assert office.add_working_hours(hk(2026, 11, 16, 10), 4) == hk(2026, 11, 16, 14)

    def test_rolls_over_night_and_weekend(self, office):
        # Friday 15:00 + 4 working hours: 2 on Friday, 2 on Monday.
        assert office.add_working_hours(hk(2026, 11, 20, 15), 4) == hk(2026, 11, 23, 11)

    def test_exactly_at_close_stays_at_close(self, office):
        assert office.add_working_hours(hk(2026, 11, 16, 15), 2) == hk(2026, 11, 16, 17)

    def test_starts_counting_at_opening(self, office):
        assert office.add_working_hours(hk(2026, 11, 16, 7), 1) == hk(2026, 11, 16, 10)
        assert office.add_working_hours(hk(2026, 11, 22, 7), 1) == hk(2026, 11, 23, 10)

    def test_lunch_break_is_not_working_time(self):
        calendar = build_calendar(timezone="Asia/Hong_Kong", weekly_hours=SPLIT)
        assert calendar.add_working_hours(hk(2026, 11, 16, 11), 2) == hk(2026, 11, 16, 14)
        assert calendar.is_open(hk(2026, 11, 16, 11, 59))
        assert not calendar.is_open(hk(2026, 11, 16, 12, 30))

    def test_skips_public_holiday(self, office):
        # Wed 30 Sep 16:00 + 2h: 1 h on Wednesday, 1 Oct is a holiday, so Fri 2 Oct 10:00.
        assert office.add_working_hours(hk(2026, 9, 30, 16), 2) == hk(2026, 10, 2, 10)

    def test_subtracting(self, office):
        assert office.add_working_time(hk(2026, 11, 23, 11), timedelta(hours=-4)) == hk(
            2026, 11, 20, 15
        )

    def test_between(self, office):
        assert office.working_time_between(hk(2026, 11, 20, 15), hk(2026, 11, 23, 11)) == (
            timedelta(hours=4)
        )
        assert office.working_time_between(hk(2026, 11, 23, 11), hk(2026, 11, 20, 15)) == (
            timedelta(hours=-4)
        )
        assert office.working_time_between(hk(2026, 11, 21, 0), hk(2026, 11, 22, 23)) == (
            timedelta(0)
        )

    def test_needs_aware_datetimes(self, office):
        with pytest.raises(ValueError):
            office.add_working_hours(datetime(2026, 11, 16, 10), 1)

    def test_never_open_calendar_says_so(self):
        calendar = build_calendar(timezone="Asia/Hong_Kong", weekly_hours={})
        with pytest.raises(NeverOpen):
            calendar.add_working_hours(hk(2026, 11, 16, 10), 1)


class TestTimeZones:
    def test_result_is_the_same_instant_in_any_zone(self, office):
        start_utc = datetime(2026, 11, 16, 2, tzinfo=UTC)  # 10:00 in Hong Kong
        assert office.add_working_hours(start_utc, 4) == hk(2026, 11, 16, 14)

    def test_dst_spring_forward_day_counts_real_hours(self):
        # Europe/London springs forward at 01:00 UTC on Sunday 29 March 2026.
        calendar = build_calendar(
            timezone="Europe/London", weekly_hours={str(d): [["00:00", "24:00"]] for d in range(7)}
        )
        start = datetime(2026, 3, 29, 0, 0, tzinfo=LONDON)
        end = datetime(2026, 3, 30, 0, 0, tzinfo=LONDON)
        assert calendar.working_time_between(start, end) == timedelta(hours=23)

    def test_dst_fall_back_day_counts_real_hours(self):
        calendar = build_calendar(
            timezone="Europe/London", weekly_hours={str(d): [["00:00", "24:00"]] for d in range(7)}
        )
        start = datetime(2026, 10, 25, 0, 0, tzinfo=LONDON)
        end = datetime(2026, 10, 26, 0, 0, tzinfo=LONDON)
        assert calendar.working_time_between(start, end) == timedelta(hours=25)

    def test_office_hours_follow_local_clock_across_dst(self):
        calendar = build_calendar(
            timezone="Europe/London",
            weekly_hours=OFFICE,
            holiday_country="GB",
            holiday_subdivision="ENG",
        )
        # Fri 23 Oct 16:00 BST + 2 working hours = Mon 26 Oct 10:00 GMT (clocks went back).
        result = calendar.add_working_hours(datetime(2026, 10, 23, 16, tzinfo=LONDON), 2)
        assert result == datetime(2026, 10, 26, 10, tzinfo=LONDON)
        assert result == datetime(2026, 10, 26, 10, tzinfo=UTC)  # GMT again

    def test_subdivision_holidays(self):
        england = build_calendar(
            timezone="Europe/London",
            weekly_hours=OFFICE,
            holiday_country="GB",
            holiday_subdivision="ENG",
        )
        scotland = build_calendar(
            timezone="Europe/London",
            weekly_hours=OFFICE,
            holiday_country="GB",
            holiday_subdivision="SCT",
        )
        st_andrews_day_observed = date(2026, 11, 30)  # a Monday
        assert england.is_working_day(st_andrews_day_observed)
        assert not scotland.is_working_day(st_andrews_day_observed)


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 20),
)
def test_add_then_measure_round_trips(start, minutes):
    calendar = build_calendar(timezone="Europe/London", weekly_hours=SPLIT, holiday_country="GB")
    amount = timedelta(minutes=minutes)
    end = calendar.add_working_time(start, amount)
    assert end >= start
    assert calendar.working_time_between(start, end) == amount


class TestStoredCalendars:
    def test_site_calendar_uses_its_hours_and_closures(self, db):
        site = SiteFactory(opening_hours={"5": [["09:00", "12:00"]]})  # Saturdays only
        Closure.objects.create(
            agency=site.agency, site=site, date=date(2026, 11, 21), reason="Typhoon"
        )
        calendar = site_calendar(site)
        assert not calendar.is_working_day(date(2026, 11, 21))
        assert calendar.is_working_day(date(2026, 11, 28))

    def test_agency_wide_closure_closes_sites_too(self, db):
        site = SiteFactory()
        Closure.objects.create(agency=site.agency, date=date(2026, 11, 17), reason="Move")
        assert not site_calendar(site).is_working_day(date(2026, 11, 17))
        assert not agency_calendar(site.agency).is_working_day(date(2026, 11, 17))


class TestWeeklyHours:
    @pytest.mark.parametrize(
        "raw",
        [
            {"7": [["09:00", "17:00"]]},
            {"0": [["17:00", "09:00"]]},
            {"0": [["09:00", "13:00"], ["12:00", "17:00"]]},
            {"0": [["9am", "5pm"]]},
            {"0": "09:00-17:00"},
            ["09:00"],
        ],
    )
    def test_bad_hours_are_refused_with_a_reason(self, raw):
        with pytest.raises(ValueError, match=r"\S"):
            parse_weekly_hours(raw)

    def test_midnight_close(self):
        assert parse_weekly_hours({"0": [["20:00", "24:00"]]})[0][0][1].hour == 23
