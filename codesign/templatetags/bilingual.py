"""``{% bilingual obj "field" %}``: a text written in English and Welsh, in the page's language.

Where the page's language has no text, the other language's is shown inside an element whose
``lang`` names it (screen readers switch voice), with a short note saying which language it
is in. ``block`` makes it a block that keeps its line breaks (easy read: one paragraph a line, in
large print); ``{% bilingual_text obj "field" %}`` gives the bare text, for titles and
attributes. A reader who asked for easy read sees the easy-read version where there is one.
"""

from django import template
from django.utils.html import format_html, format_html_join

from codesign.bilingual import Chosen, choose, fallback_note, has_easy_read, wants_easy_read

register = template.Library()


def render_chosen(chosen: Chosen, *, block: bool = False, css_class: str = ""):
    if not chosen:
        return ""
    if not block:
        if not chosen.fallback:
            return chosen.text
        return format_html(
            '<span lang="{}">{}</span> <span class="fallback-note small text-body-secondary">'
            "{}</span>",
            chosen.html_lang,
            chosen.text,
            fallback_note(chosen),
        )
    kind = "easy-read" if chosen.easy_read else "written-text"
    classes = " ".join(c for c in (css_class, kind) if c)
    if chosen.easy_read:
        # One idea a line: each line its own paragraph.
        lines = [line.strip() for line in chosen.text.splitlines() if line.strip()]
        body = format_html_join("\n", "<p>{}</p>", ((line,) for line in lines))
    else:
        body = chosen.text  # its line breaks kept by the stylesheet (white-space: pre-line)
    note = (
        format_html(
            '<p class="fallback-note small text-body-secondary mb-1">{}</p>', fallback_note(chosen)
        )
        if chosen.fallback
        else ""
    )
    lang = format_html(' lang="{}"', chosen.html_lang) if chosen.fallback else ""
    return format_html('{}<div class="{}"{}>{}</div>', note, classes, lang, body)


@register.simple_tag(takes_context=True)
def bilingual(context, obj, field, block=False, css_class=""):
    """The text of ``obj.<field>`` in the page's language, or the other's, marked."""
    chosen = choose(obj, field, easy_read=wants_easy_read(context.get("request")))
    return render_chosen(chosen, block=block, css_class=css_class)


@register.simple_tag
def bilingual_text(obj, field, easy_read=False):
    """The bare text of ``obj.<field>`` in the page's language, or the other's (for an email,
    the language it is written in); with ``easy_read``, its easy-read version first."""
    return choose(obj, field, easy_read=easy_read).text


@register.inclusion_tag("includes/easy_read_toggle.html", takes_context=True)
def easy_read_toggle(context, obj, field):
    """The switch between easy read and the full text, where ``obj.<field>`` has easy read."""
    request = context.get("request")
    return {
        "offered": has_easy_read(obj, field),
        "easy_read": wants_easy_read(request),
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
