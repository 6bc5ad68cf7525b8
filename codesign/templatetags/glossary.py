"""``{% explain "touchpoint" %}``: the glossary's short explanation of a word, as a "What does
this mean?" disclosure placed where the word appears."""

from django import template

from codesign.glossary import term

register = template.Library()


@register.inclusion_tag("includes/explain.html")
def explain(key: str) -> dict:
    return {"term": term(key)}
