"""Chinese dates for the English patterns templates use (see civicdesk.config.formats).

Names Django defines (DATE_FORMAT and the rest) come from Django's own module for this language.
"""

from civicdesk.config.formats import CHINESE_PATTERNS

globals().update(CHINESE_PATTERNS)
