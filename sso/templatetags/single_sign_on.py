from django import template

from ..models import SingleSignOn

register = template.Library()


@register.simple_tag
def single_sign_on_offered() -> bool:
    """Whether any organisation here signs its staff in with its own provider."""
    return SingleSignOn.objects.filter(enabled=True).exists()
