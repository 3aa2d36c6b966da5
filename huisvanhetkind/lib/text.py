"""Plain text for single-line fields: a name, a title, an address.

A title typed with a newline (pasted from a document, imported from a spreadsheet) used to end up in an
iCalendar line, a mail subject and a CSV row, which all break on it. `single_line` makes one line of
plain text: every control character (CR, LF, tab, NUL, the Unicode line and paragraph separators) becomes
a space, runs of white space become one space, and the ends are trimmed.

It is applied at the boundary: `SingleLineText`'s `clean()` does it for every CharField of a model (so
ModelForms, the admin, the spreadsheet import and services that call `full_clean` all get it);
TextFields keep their lines.
"""

import re

from django.db import models

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value: str | None) -> str:
    """One line of plain text (see the module docstring); None becomes ''."""
    if not value:
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


class SingleLineText:
    """Model mixin: `clean()` makes every CharField (not TextField) of the instance single-line text."""

    def clean(self) -> None:
        super().clean()
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField) and not field.primary_key:
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, single_line(value))
