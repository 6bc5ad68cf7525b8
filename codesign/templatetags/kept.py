"""``{% kept seconds "name" key [vary_on ...] %}…{% endkept %}``: a fragment kept in the cache
under its name, ``key`` and the values it varies on, as Django's ``{% cache %}`` keeps one; drawn
afresh, and not kept, when ``key`` is empty or nothing may be kept (inside a transaction:
``codesign.content``). ``key`` names what the fragment shows (a content version's key), so a
kept fragment is never stale and is never cleared.

``{% kept_together %}…{% endkept_together %}`` reads every ``{% kept %}`` fragment written
directly inside it in one round trip to the cache, before drawing them (a dashboard's three
panels: three round trips were two fifths of a millisecond)."""

from django import template
from django.core.cache.utils import make_template_fragment_key

from codesign import content

register = template.Library()

# Where ``{% kept_together %}`` leaves what it read for the fragments inside it.
READ_AHEAD = "_kept_read_ahead"


class KeptNode(template.Node):
    def __init__(self, nodelist, seconds, name, key, vary_on):
        self.nodelist = nodelist
        self.seconds = seconds
        self.name = name
        self.key = key
        self.vary_on = vary_on

    def cache_key(self, context) -> str | None:
        """The fragment's key in the cache, or None when it is not to be kept."""
        key = self.key.resolve(context)
        if not key or not content.may_keep():
            return None
        return make_template_fragment_key(
            self.name, [key, *(value.resolve(context) for value in self.vary_on)]
        )

    def render(self, context):
        cache_key = self.cache_key(context)
        if cache_key is None:
            return self.nodelist.render(context)
        ahead = context.get(READ_AHEAD) or {}
        html = ahead[cache_key] if cache_key in ahead else content.kept(cache_key)
        if html is None:
            html = self.nodelist.render(context)
            content.keep(cache_key, html, self.seconds.resolve(context))
        return html


@register.tag("kept")
def do_kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes seconds, a name and a key.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    name = bits[2]
    if not (name[0] == name[-1] and name[0] in "'\""):
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes its name in quotes.")
    return KeptNode(
        nodelist,
        parser.compile_filter(bits[1]),
        name[1:-1],
        parser.compile_filter(bits[3]),
        [parser.compile_filter(bit) for bit in bits[4:]],
    )


class KeptTogetherNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        keys = [node.cache_key(context) for node in self.nodelist.get_nodes_by_type(KeptNode)]
        keys = [key for key in keys if key]
        found = content.kept_many(keys) if keys else {}
        with context.push({READ_AHEAD: {key: found.get(key) for key in keys}}):
            return self.nodelist.render(context)


@register.tag("kept_together")
def do_kept_together(parser, token):
    nodelist = parser.parse(("endkept_together",))
    parser.delete_first_token()
    return KeptTogetherNode(nodelist)
