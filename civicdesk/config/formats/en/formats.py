"""English dates as the templates write them (day, month, year; 24-hour clock), also where a
date is shown by a format's name or printed without one: "14 December 2026", not Django's
American "Dec. 14, 2026". Input formats stay Django's."""

DATE_FORMAT = "j F Y"  # 14 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 14 December 2026, 10:13
TIME_FORMAT = "H:i"  # 10:13
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 14 December
SHORT_DATE_FORMAT = "j M Y"  # 14 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 14 Dec 2026 10:13
