from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import markup
from core.links import url_once
from core.money import format_money

register = template.Library()


@register.simple_tag
def money(amount, currency):
    """An amount in the reader's language: 1 234,56 $US in French, $1,234.56 in English."""
    return format_money(amount, currency, get_language())


@register.filter
def has_role(role, allowed):
    return role in allowed.split(",")


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """The current query string with some parameters changed (filters, sort, page)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def nav_current(context, url, exact=False):
    path = context["request"].path
    current = path == url if exact else path.startswith(url)
    return mark_safe(' aria-current="page"') if current else ""  # noqa: S308 — constant markup


@register.simple_tag(takes_context=True)
def nav_item(context, viewname, label, exact=False):
    """An item of the main menu, the current page's marked (base.html: a tag, not an include per item)."""
    url = url_once(viewname)
    return format_html('<li><a href="{}"{}>{}</a></li>', url, nav_current(context, url, exact), label)


@register.simple_tag(name="url_once")
def url_once_tag(viewname):
    """{% url viewname %} of a view without arguments, reversed once per process (core.links.url_once)."""
    return url_once(viewname)


@register.simple_tag
def colon():
    """A colon after a label, typeset for the reader: "Total:" in English, "Total :" (narrow no-break
    space, U+202F) in French."""
    return "\u202f:" if (get_language() or "en").startswith("fr") else ":"


@register.simple_tag
def status_badge(status, label):
    """includes/status_badge.html as a tag, for rows of long lists (an include per row costs a render)."""
    return markup.status_badge(status, label)


@register.simple_tag(takes_context=True)
def page_url(context, param, number, after=None, before=None):
    """The current query string with the page parameter `param` set: two paginated lists on one page.
    `after` / `before`: the keyset cursor of a list that has one (invoices), else dropped from the link."""
    return url_with(context, **{param or "page": number, "after": after, "before": before})
