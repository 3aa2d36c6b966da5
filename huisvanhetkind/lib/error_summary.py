"""The error summary of every form (the GOV.UK pattern), written once for all pages.

`base.html` asks `forms_with_errors` which bound forms in the page's context failed validation. When there
are any, the page title starts with "Error: " and `error_summary` puts a box at the top of `<main>` that
lists each error as a link to its field. `static/js/site.js` moves the focus to that box on load; without
JavaScript it is simply the first thing in the content. Django itself sets `aria-invalid` and
`aria-describedby` (help text and error list) on the fields.

A form opts out with the class attribute `error_summary = False` (the wegwijzer's filters, whose errors
are hints next to a search box, not a failed submission).
"""

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()


def _forms_in(value) -> list[BaseForm | BaseFormSet]:
    # type(), not isinstance(): isinstance() would evaluate lazy objects such as `user`.
    kind = type(value)
    if issubclass(kind, BaseFormSet):
        return [value] if value.is_bound else []
    if issubclass(kind, BaseForm):
        return [value] if value.is_bound and getattr(value, "error_summary", True) else []
    return []


@register.simple_tag(takes_context=True)
def forms_with_errors(context) -> list:
    """The bound forms (and formsets) of the context that have errors, each once."""
    found, seen = [], set()
    for value in context.flatten().values():
        for form in _forms_in(value):
            if id(form) in seen:
                continue
            seen.add(id(form))
            if not form.is_valid():
                found.append(form)
    return found


def _form_errors(form: BaseForm) -> list[tuple[str, str]]:
    errors = [("", str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            if field.is_hidden:
                errors.append(("", str(message)))
                continue
            # "Your name: This field is required." — the summary must say which field it means.
            label = str(field.label or "").rstrip(" :")
            text = f"{label}: {message}" if label else str(message)
            errors.append((f"#{field.id_for_label or field.auto_id}", text))
    return errors


def summary_items(forms: list) -> list[tuple[str, str]]:
    """(link, message) per error, in page order; the link is empty for an error of the whole form."""
    items = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            items += [("", str(message)) for message in form.non_form_errors()]
            for member in form.forms:
                items += _form_errors(member)
        else:
            items += _form_errors(form)
    return list(dict.fromkeys(items))


@register.inclusion_tag("includes/error_summary.html")
def error_summary(forms: list) -> dict:
    return {"items": summary_items(forms) if forms else []}
