"""The call list: people a facilitator tells about a session themselves, by phone or in person.

Its model is loaded with the app's (``sessions/models.py`` imports this package).
"""

from .models import CallListEntry

__all__ = ["CallListEntry"]
