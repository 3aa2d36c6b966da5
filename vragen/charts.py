"""Charts as server-rendered SVG: no JavaScript, no inline style (the CSP forbids it).

Colours and type come from classes styled in static/css/rapporten.css, with presentation attributes
(`fill`) as a fallback. A suppressed value draws no bar, only its label ("< 5" or "x"), so a chart
never shows more than the table beside it. Every chart is an <svg role="img"> with a <title>; the table
next to it is the accessible version with the same numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .suppression import Count

# A narrow canvas, so that text stays readable when a phone scales the chart down to ~340 px.
WIDTH = 480
VALUE_ROOM = 44
FILLS = ("#1f6f78", "#76868a", "#f2a541")
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Count | None]


def _number(value: Count | None) -> int | None:
    return value.value if value is not None and value.shown else None


def _label(value: Count | None) -> str:
    return "–" if value is None else str(value)


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(title: str, height: int, body: list[str]) -> SafeString:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{ident}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}">{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above is escaped


def _legend(series: Sequence[Series], y: int) -> list[str]:
    parts, x = [], 0
    for index, item in enumerate(series):
        parts.append(
            f'<rect class="bar s{index}" x="{x}" y="{y - 10}" width="12" height="12" '
            f'fill="{FILLS[index % 3]}"/>'
            f'<text class="legend" x="{x + 17}" y="{y}">{escape(item.name)}</text>'
        )
        x += 28 + 8 * len(item.name)
    return parts


def bar_chart(*, title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Horizontal bars, one group per label, one bar per series (e.g. this period and the previous).

    Each label sits on its own line above its bars, so long thema names fit on a phone.
    """
    bar_height, label_height, gap = 17, 20, 10
    group = label_height + bar_height * len(series) + gap
    top = 30 if len(series) > 1 else 6
    height = top + group * len(labels) + 4
    shown = [v for s in series for v in map(_number, s.values) if v is not None]
    scale_max = max(shown, default=0) or 1
    room = WIDTH - VALUE_ROOM - 2
    body = _legend(series, 16) if len(series) > 1 else []
    for row, label in enumerate(labels):
        y0 = top + row * group
        body.append(f'<text class="label" x="0" y="{y0 + 15}">{escape(_shorten(label, 48))}</text>')
        for index, item in enumerate(series):
            value = item.values[row] if row < len(item.values) else None
            number = _number(value)
            y = y0 + label_height + index * bar_height
            width = 0 if number is None else max(round(room * number / scale_max), 1 if number else 0)
            if width:
                body.append(
                    f'<rect class="bar s{index}" x="0" y="{y}" width="{width}" '
                    f'height="{bar_height - 3}" fill="{FILLS[index % 3]}"/>'
                )
            css = "value" if number is not None else "value suppressed"
            body.append(
                f'<text class="{css}" x="{width + 4}" y="{y + bar_height - 5}">{escape(_label(value))}</text>'
            )
    return _svg(title, height, body)


def column_chart(*, title: str, labels: Sequence[str], values: Sequence[Count | None]) -> SafeString:
    """Vertical columns over time (questions per month); a suppressed month shows its label only."""
    left, bottom, top = 36, 52, 18
    height = 260
    plot_height = height - top - bottom
    n = max(len(labels), 1)
    slot = (WIDTH - left - 8) / n
    shown = [v for v in map(_number, values) if v is not None]
    scale_max = max(shown, default=0) or 1
    body = [
        f'<line class="axis" x1="{left}" x2="{WIDTH - 4}" y1="{top + plot_height}" y2="{top + plot_height}" '
        f'stroke="#666"/>',
        f'<text class="tick" x="{left - 4}" y="{top + 4}" text-anchor="end">{scale_max}</text>',
        f'<text class="tick" x="{left - 4}" y="{top + plot_height}" text-anchor="end">0</text>',
        f'<line class="grid" x1="{left}" x2="{WIDTH - 4}" y1="{top}" y2="{top}" stroke="#ddd"/>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        number = _number(value)
        x = left + index * slot
        bar_width = max(slot * 0.7, 2)
        cx = x + slot / 2
        if number:
            h = plot_height * number / scale_max
            body.append(
                f'<rect class="bar s0" x="{x + (slot - bar_width) / 2:.1f}" y="{top + plot_height - h:.1f}" '
                f'width="{bar_width:.1f}" height="{h:.1f}" fill="{FILLS[0]}"/>'
            )
            value_y = top + plot_height - h - 3
        else:
            value_y = top + plot_height - 3
        if n <= 13:
            css = "value small" if number is not None else "value small suppressed"
            body.append(
                f'<text class="{css}" x="{cx:.1f}" y="{value_y:.1f}" text-anchor="middle">'
                f"{escape(_label(value))}</text>"
            )
        ty = top + plot_height + 12
        body.append(
            f'<text class="tick" x="{cx:.1f}" y="{ty}" text-anchor="end" '
            f'transform="rotate(-45 {cx:.1f} {ty})">{escape(label)}</text>'
        )
    return _svg(title, height, body)
