"""Template helpers for the signal reports."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from vragen.suppression import HIDDEN, SMALL, Count

register = template.Library()


@register.filter
def cel(value):
    """A table cell: a number with grouping, "< 5" or "x" with words for screen readers."""
    if isinstance(value, Count):
        if value.state == SMALL:
            return format_html(
                '<span class="cell-small" title="{}">{}</span>',
                _("fewer than %(n)s") % {"n": value.threshold},
                str(value),
            )
        if value.state == HIDDEN:
            return format_html(
                '<span class="cell-hidden" title="{}" aria-hidden="true">x</span>'
                '<span class="visually-hidden">{}</span>',
                _("hidden so that small numbers cannot be worked out"),
                _("hidden"),
            )
        value = value.value
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return "–" if value is None else value  # not published (yet): a quarter to come, a year in progress
