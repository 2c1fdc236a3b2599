"""Django's own messages whose translations in civicdesk's languages read wrong, translated again
in civicdesk's catalogues (LOCALE_PATHS come before Django's own): the Malay length errors
("sepalingnya", "karater") and the Chinese null-character error ("不允许是用空字符串"). Any form
field without a message of its own shows these. Listed here so that makemessages keeps them."""

from django.utils.translation import gettext_noop, ngettext_lazy

NULL_CHARACTERS = gettext_noop("Null characters are not allowed.")
AT_MOST = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
AT_LEAST = ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
