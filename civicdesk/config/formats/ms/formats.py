"""Malay times on the 24-hour clock, as the English ones (see civicdesk.config.formats).

Django's Malay module writes times as "P" ("2:02 p.m."), whose "p.m." its Malay catalogue gives
as "malam" (night): 14:02 read "2:02 malam". Dates stay Django's ("14 Disember 2026").
"""

TIME_FORMAT = "H:i"  # 14:02
DATETIME_FORMAT = "j M Y, H:i"  # 14 Dis 2026, 14:02
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 14/12/2026 14:02
