"""Template helpers for the wegwijzer: pictures, structured data, language links and plain labels."""

import functools
import hashlib
import json
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import pyphen
from django import forms, template
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, reverse, translate_url
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from aanbod.filters import distance_km
from aanbod.models import Aanbod, Activiteit, Levensfase
from huisvanhetkind.lib.images import CROP, FIT, thumbnail
from huisvanhetkind.lib.pagecache import fragment_key

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def thumbnail_img(field, width, height=None, *, alt="", mode=FIT, css_class="", sizes=None, lazy=True):
    """An <img> of a thumbnail with width/height, a 2× `srcset` and lazy loading ('' without a file)."""
    width = int(width)
    height = int(height) if height else None
    small = thumbnail(field, width, height, mode=mode)
    if small is None:
        return ""
    large = thumbnail(field, width * 2, (height * 2) if height else None, mode=mode)
    srcset = f"{small.url} {small.width}w"
    if large is not None and large.width > small.width:
        srcset += f", {large.url} {large.width}w"
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{} decoding="async">',
        small.url,
        srcset,
        sizes or f"{small.width}px",
        small.width,
        small.height,
        alt,
        mark_safe(' loading="lazy"') if lazy else "",
        format_html(' class="{}"', css_class) if css_class else "",
    )


@register.simple_tag
def card_img(field, *, alt=""):
    """A 16:9 picture for an aanbod card or page."""
    return thumbnail_img(field, 480, 270, alt=alt, mode=CROP, sizes="(min-width: 60rem) 30rem, 100vw")


@register.simple_tag(takes_context=True)
def jsonld(context, data):
    """Structured data as <script type="application/ld+json">, escaped and carrying the CSP nonce."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    nonce = context.get("csp_nonce")
    return format_html(
        '<script type="application/ld+json"{}>{}</script>',
        # A LazyNonce is falsy until first read: test for presence, not truth.
        format_html(' nonce="{}"', str(nonce)) if nonce is not None else "",
        mark_safe(payload),  # noqa: S308 — JSON with <, > and & escaped as above
    )


def _iso(dt) -> str:
    return timezone.localtime(dt).isoformat()


def event_data(activiteit: Activiteit, aanbod: Aanbod | None = None) -> dict:
    """schema.org Event for one activity (https://schema.org/Event)."""
    aanbod = aanbod or activiteit.aanbod
    base = settings.SITE_URL
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": activiteit.naam,
        "description": aanbod.samenvatting,
        "startDate": _iso(activiteit.start),
        "endDate": _iso(activiteit.einde),
        "eventStatus": "https://schema.org/EventCancelled"
        if activiteit.geannuleerd
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if activiteit.online
        else "https://schema.org/OfflineEventAttendanceMode",
        "url": base + activiteit.get_absolute_url(),
        "inLanguage": [taal.code for taal in aanbod.talen.all()] or ["nl"],
        "organizer": {
            "@type": "Organization",
            "name": aanbod.partner.naam,
            "url": base + aanbod.partner.get_absolute_url(),
        },
        "isAccessibleForFree": aanbod.is_gratis,
    }
    if activiteit.locatie_id:
        locatie = activiteit.locatie
        data["location"] = {
            "@type": "Place",
            "name": locatie.naam,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": locatie.straat,
                "postalCode": locatie.postcode,
                "addressLocality": locatie.gemeente.naam,
                "addressCountry": "BE",
            },
        }
        if locatie.latitude is not None and locatie.longitude is not None:
            data["location"]["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(locatie.latitude),
                "longitude": float(locatie.longitude),
            }
    elif activiteit.online:
        data["location"] = {"@type": "VirtualLocation", "url": data["url"]}
    if activiteit.capaciteit is not None or aanbod.prijs is not None or aanbod.is_gratis:
        offer = {
            "@type": "Offer",
            "price": "0" if aanbod.is_gratis else str(aanbod.prijs or 0),
            "priceCurrency": "EUR",
            "url": data["url"],
        }
        if activiteit.capaciteit is not None:
            offer["availability"] = (
                "https://schema.org/SoldOut" if activiteit.is_volzet else "https://schema.org/InStock"
            )
        data["offers"] = offer
    return data


@register.simple_tag(takes_context=True)
def events_jsonld(context, activiteiten, aanbod=None):
    events = [event_data(a, aanbod) for a in activiteiten]
    return jsonld(context, events) if events else ""


@register.simple_tag(takes_context=True)
def nav_current(context, *names):
    """aria-current="page" when the page's URL name is one of `names`."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match and match.url_name in names:
        return mark_safe(' aria-current="page"')
    return ""


@register.filter
def leeftijd_label(aanbod: Aanbod) -> str:
    """For whom, in words: ‘Parents-to-be and children 0 to 3 years’, ‘All ages’."""
    parts = []
    if aanbod.aanstaande_ouders:
        parts.append(str(Levensfase.AANSTAAND.label))
    if aanbod.leeftijd_van is not None:
        if aanbod.leeftijd_van == aanbod.leeftijd_tot:
            parts.append(_("children of %(n)s") % {"n": aanbod.leeftijd_van})
        else:
            parts.append(
                _("children %(van)s to %(tot)s years")
                % {"van": aanbod.leeftijd_van, "tot": aanbod.leeftijd_tot}
            )
    elif not parts:
        parts.append(_("all ages"))
    if len(parts) == 2:
        text = _("%(first)s and %(second)s") % {"first": parts[0], "second": parts[1]}
    else:
        text = parts[0]
    return text[:1].upper() + text[1:]


@register.filter
def kosten_label(aanbod: Aanbod) -> str:
    if aanbod.is_gratis:
        return _("Free")
    if aanbod.prijs is None:
        return _("Paid")
    return _("€ %(prijs)s") % {"prijs": f"{aanbod.prijs:.2f}".replace(".", ",").replace(",00", "")}


@register.simple_tag
def places_label(activiteit: Activiteit) -> str:
    if activiteit.geannuleerd:
        return _("Cancelled")
    vrij = activiteit.plaatsen_vrij
    if vrij is None:
        return ""
    if vrij == 0:
        return _("Full — waiting list")
    if vrij == 1:
        return _("1 place left")
    return _("%(n)s places left") % {"n": vrij}


@register.simple_tag
def birth_years():
    """Next year (an expected baby) down to 18 years ago, for ‘My children’."""
    this_year = timezone.localdate().year
    return list(range(this_year + 1, this_year - 19, -1))


@register.simple_tag
def month_names():
    return list(MONTHS.items())


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """This page's URL without the given parameters (and without `page`)."""
    request = context["request"]
    dropped = {*names, "page"}
    # As QueryDict.urlencode() would write it, without copying the QueryDict for every chip.
    encoded = urlencode(
        [(key, value) for key, values in request.GET.lists() if key not in dropped for value in values]
    )
    return request.path + (f"?{encoded}" if encoded else "")


@register.simple_tag
def sort_options(explicit_sort: str) -> str:
    """The <option>s of the list's sort select. "Best match" is the empty value: the page picks the order
    that fits what is asked (aanbod_list.html), also after a new search."""
    return _sort_options(translation.get_language(), explicit_sort or "")


@functools.lru_cache(maxsize=32)
def _sort_options(language: str, explicit_sort: str) -> str:
    from ..filters import Sort

    parts = []
    for value, label in Sort.CHOICES:
        if value == Sort.RELEVANCE:
            value, selected = "", explicit_sort in ("", Sort.RELEVANCE)
        else:
            selected = value == explicit_sort
        parts.append(
            format_html('<option value="{}"{}>{}</option>', value, " selected" if selected else "", label)
        )
    return mark_safe("".join(parts))  # noqa: S308 — every part built by format_html


@register.simple_tag
def select_field(field, choices, empty_label=""):
    """Label, errors and <select> of a filter, built here rather than by Django's widget templates.

    The filter form has four selects with some eighty options; rendered through the form templates they
    cost several milliseconds a page. `choices` is [(value, label)] or [(group, [(value, label)])].
    """
    value = field.value()
    current = "" if value in (None, "") else str(value)
    auto_id = field.auto_id
    errors = field.errors
    described = format_html(' aria-invalid="true" aria-describedby="{}_error"', auto_id) if errors else ""
    options = _options_html(_frozen(choices), str(empty_label))
    if current:
        chosen = format_html('<option value="{}">', current)
        options = options.replace(chosen, chosen[:-1] + " selected>", 1)
    error_html = (
        format_html(
            '<ul class="errorlist" id="{}_error">{}</ul>',
            auto_id,
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
        )
        if errors
        else ""
    )
    return format_html(
        '<label for="{}">{}</label>{}<select name="{}" id="{}"{}>{}</select>',
        auto_id,
        field.label,
        error_html,
        field.html_name,
        auto_id,
        described,
        mark_safe(options),  # noqa: S308 — built by format_html in _options_html
    )


def _errors_html(field) -> str:
    errors = field.errors
    return str(errors) if errors else ""


def _plain_input(field) -> bool:
    """A field whose <input> and field group `widget_html` and `field_group` build as Django would."""
    return (
        isinstance(field.field.widget, forms.widgets.Input)
        and not field.use_fieldset
        and not field.help_text
        and not getattr(field.form, "required_css_class", None)
    )


@register.simple_tag
def widget_html(field) -> str:
    """`{{ field }}` for an <input>, without Django's widget templates (four templates an input, the
    wegwijzer's filter form has seven inputs on every list page).

    The widget's own `get_context` still decides every attribute (value, checked, aria-invalid,
    aria-describedby, id) and their order; only the markup of django/forms/widgets/input.html and
    attrs.html is written here. Any other widget goes through Django as before.
    """
    if not _plain_input(field):
        return str(field)
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts = [format_html('<input type="{}" name="{}"', context["type"], context["name"])]
    if context["value"] is not None:
        parts.append(format_html(' value="{}"', str(context["value"])))
    for name, value in context["attrs"].items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, str(value)))
    parts.append(">")
    return mark_safe("".join(parts))  # noqa: S308 — every part built by format_html


@register.simple_tag
def field_group(field) -> str:
    """`{{ field.as_field_group }}` (label, errors, input) of an <input>, without the form templates."""
    if not _plain_input(field) or field.form.label_suffix:
        return field.as_field_group()
    label = format_html('<label for="{}">{}</label>', field.id_for_label, field.label) if field.label else ""
    return format_html("{}\n\n\n{}\n{}", label, _errors_html(field), widget_html(field))


def _frozen(choices) -> tuple:
    return tuple(
        (value, _frozen(label)) if isinstance(label, list | tuple) else (value, str(label))
        for value, label in choices
    )


@functools.lru_cache(maxsize=128)
def _options_html(choices: tuple, empty_label: str) -> str:
    """The <option>s of a choice list, built once per distinct list (its language and data included)."""

    def options(items):
        return format_html_join("", '<option value="{}">{}</option>', items)

    parts = [format_html('<option value="">{}</option>', empty_label)] if empty_label else []
    for value, label in choices:
        if isinstance(label, tuple):
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, options(label)))
        else:
            parts.append(options([(value, label)]))
    return "".join(parts)


SHORT_NAMES = {"nl-be": "NL", "en": "EN", "fr": "FR"}
# Pages whose main content is written by partners or coordinators, in Dutch: translated menus only.
DUTCH_CONTENT_PAGES = {"aanbod_detail", "partner_detail", "partner_list", "activiteit_inschrijven"}


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each language, computed once a page for <head> and the switcher.

    [{"code", "lang", "short", "name" (in its own language), "url", "current"}]
    """
    request = context.get("request")
    current = translation.get_language()
    path = request.get_full_path() if request is not None else "/"
    match = getattr(request, "resolver_match", None)
    partly = bool(match and match.url_name in DUTCH_CONTENT_PAGES)
    links = []
    for code, _name in settings.LANGUAGES:
        own_name, is_translation = _language_name(code, partly)
        links.append(
            {
                "code": code,
                "lang": code[:2],
                "short": SHORT_NAMES.get(code, code[:2].upper()),
                "name": own_name,
                "url": _translated(request, path, code) if request is not None else "/",
                "current": code == current,
                "translation": is_translation,
                "partly": is_translation and partly,
            }
        )
    return links


@functools.lru_cache(maxsize=16)
def _language_name(code: str, partly: bool) -> tuple[str, bool]:
    """A language's name in its own language for the switcher, and whether it is a translation."""
    with translation.override(code):
        own_name = str(dict(settings.LANGUAGES)[code])
        is_translation = code != settings.LANGUAGE_CODE
        if is_translation:
            # Said in the link's own language: who picks French reads French.
            own_name = _("%(language)s (translation)") % {"language": own_name}
            if partly:
                own_name = _("%(language)s, the texts of activities and partners stay in Dutch") % {
                    "language": own_name
                }
    return own_name, is_translation


def _translated(request, path: str, code: str) -> str:
    """`translate_url(path, code)`, from the match the request already has instead of resolving the path
    again for every language (the URL resolver walks every pattern of the site)."""
    match = getattr(request, "resolver_match", None)
    parsed = urlsplit(path)
    if match is None or unquote(parsed.path) != request.path_info:
        return translate_url(path, code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    url = _reverse_in(code, get_script_prefix(), name, tuple(match.args), tuple(sorted(match.kwargs.items())))
    if url is None:
        return path
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


@functools.lru_cache(maxsize=1024)
def _reverse_in(code: str, script_prefix: str, name: str, args: tuple, kwargs: tuple) -> str | None:
    """`reverse()` in a language (None when the URL does not exist in it), kept: the same few pages in three
    languages on every page view. The script prefix is part of the key because `reverse` prepends it."""
    with translation.override(code):
        try:
            return reverse(name, args=args, kwargs=dict(kwargs))
        except NoReverseMatch:
            return None


_LABELS: dict[tuple, dict] = {}


@register.filter
def display(obj, field_name: str) -> str:
    """`obj.get_<field>_display()` without its cost in a loop (it hashes every lazy label each call)."""
    field = obj._meta.get_field(field_name)
    key = (obj._meta.label, field_name, translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field.attname)
    return labels.get(value, value)


@register.simple_tag
def afstand(aanbod) -> str:
    """Where an aanbod takes place and how far from the chosen gemeente: "in Lochristi, 6 km"."""
    km = distance_km(getattr(aanbod, "afstand2", None))
    if km is None:
        return _("in %(plaats)s") % {"plaats": aanbod.plaats}
    if km < 1:
        return _("in %(plaats)s, less than 1 km") % {"plaats": aanbod.plaats}
    return _("in %(plaats)s, %(km)s km") % {"plaats": aanbod.plaats, "km": round(km)}


LONG_WORD = 16


@functools.cache
def _dutch_hyphenation() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


@register.filter
def afbreken(text) -> str:
    """Soft hyphens in long Dutch words ("Thuis-begeleidings-dienst"), so that a narrow card breaks them
    where Dutch does, with a hyphen. CSS `hyphens: auto` would do it, but not every browser has a Dutch
    dictionary (Chromium on Linux and Windows has none) and then `overflow-wrap` cuts the word anywhere.
    The soft hyphens are invisible otherwise; the text stays escaped."""
    text = str(text)
    if not any(len(word) >= LONG_WORD for word in text.split()):
        return text
    return " ".join(
        _dutch_hyphenation().inserted(word, hyphen="\u00ad") if len(word) >= LONG_WORD else word
        for word in text.split(" ")
    )


@register.simple_tag
def nl_lang() -> str:
    """` lang="nl"` on content that is only in Dutch (partners' texts), when the page is in English or
    French: screen readers then read it in Dutch, and it is marked as not translated."""
    if (translation.get_language() or "nl")[:2] == "nl":
        return ""
    return mark_safe(' lang="nl"')


CARDS_TEMPLATE = "aanbod/wegwijzer/_aanbod_cards.html"
CARD_SECONDS = 300


def _card_key(card) -> str:
    """A card differs per list only by its nearest place to the chosen gemeente ("in Lochristi, 6 km")."""
    km = distance_km(getattr(card, "afstand2", None))
    if km is None:
        return f"{card.pk}"
    return f"{card.pk}-{round(km)}-" + hashlib.md5(str(getattr(card, "plaats", "")).encode()).hexdigest()[:8]


@register.simple_tag(takes_context=True)
def aanbod_cards(context, cards, heading="h2"):
    """The aanbod cards of a list, each kept in the cache for its data version (huisvanhetkind.lib.pagecache).

    A card is the same on every filter combination it turns up in, so the long tail of filter URLs that
    the page cache cannot hold still reuses the rendered cards: one get_many for the page, and only the
    cards not seen yet go through the template. Without a data version the template renders them all.
    `cards` are aanbod, or a list's CardRows (ids and annotations, aanbod.views.wegwijzer): the context's
    `load_cards` then reads the aanbod of the cards not in the cache (and prefetches what they show).
    """
    template = context.template.engine.get_template(CARDS_TEMPLATE)
    cards = list(cards)
    load = context.get("load_cards") or (lambda cards: cards)
    prefix = fragment_key(context.get("request"), f"card-{heading}")
    if prefix is None or not cards:
        return mark_safe(template.render(context.new({"cards": load(cards), "heading": heading})))  # noqa: S308
    keys = {card.pk: f"{prefix}{_card_key(card)}" for card in cards}
    found = cache.get_many(list(keys.values()))
    missing = [card for card in cards if keys[card.pk] not in found]
    loaded = {card.pk: card for card in load(missing)} if missing else {}
    parts, fresh = [], {}
    for card in cards:
        key = keys[card.pk]
        html = found.get(key)
        if html is None:
            if card.pk not in loaded:
                continue  # gone since the list was read
            html = fresh[key] = template.render(context.new({"cards": [loaded[card.pk]], "heading": heading}))
        parts.append(html)
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    return mark_safe("".join(parts))  # noqa: S308 — rendered by the (autoescaping) card template


# ---- The site's header and footer, rendered once per language and state --------------------------
# Their `{% url %}`, `{% static %}` and `{% translate %}` tags were a good share of every page's Python
# work, while their output depends only on what is in the key below: the language, the URL prefix, whether
# someone is logged in, the network's record (name, logo, contact, baseline) and what a caller passes (the
# header: the current URL name, for aria-current). Whatever depends on the page's own URL (the language
# switcher and its links back to this page, the translation note) stays outside, rendered every time.
# Kept in this process (no cache round trip), at most CHROME_ENTRIES entries, emptied on a setting change.
CHROME_ENTRIES = 512
_CHROME: dict[tuple, str] = {}


def _netwerk_fingerprint(netwerk) -> tuple:
    if netwerk is None:
        return ()
    return tuple(str(getattr(netwerk, field.attname)) for field in netwerk._meta.concrete_fields)


@register.simple_tag(takes_context=True)
def cached_include(context, template_name: str, *vary) -> str:
    """`{% include template_name %}`, its output kept per language, login state, network record and `vary`.

    Only for templates whose output depends on nothing else in the context (see above)."""
    user = context.get("user")
    key = (
        template_name,
        translation.get_language(),
        get_script_prefix(),
        bool(user is not None and user.is_authenticated),
        _netwerk_fingerprint(context.get("netwerk")),
        *vary,
    )
    html = _CHROME.get(key)
    if html is None:
        with context.push():
            html = context.template.engine.get_template(template_name).render(context)
        if len(_CHROME) >= CHROME_ENTRIES:
            _CHROME.clear()
        _CHROME[key] = html
    return html


@register.simple_tag(takes_context=True)
def url_name(context) -> str:
    """The current page's URL name (with its namespace), '' without a match."""
    match = getattr(context.get("request"), "resolver_match", None)
    return match.view_name if match else ""


@receiver(setting_changed)
def _forget_chrome(**kwargs) -> None:
    _CHROME.clear()
    _language_name.cache_clear()
    _reverse_in.cache_clear()
    _sort_options.cache_clear()
