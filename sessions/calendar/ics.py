"""Calendar files (.ics) for sessions, built with the icalendar package, in the active
language (the sender wraps an invitation in its recipient's)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Codesign//Workshop sessions//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _event(session, *, detail: bool, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{session.uid}@codesign")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    # The session's title (and agenda) as written in the active language, else the other.
    event.add("summary", str(session.in_language("title")))
    event.add("status", "CANCELLED" if cancelled or session.status == "cancelled" else "CONFIRMED")
    if session.place:
        event.add("location", session.place)
    url = settings.CODESIGN_SITE_URL + session.get_absolute_url()
    event.add("url", url)
    if detail:
        lines = []
        for item in session.agenda.all():
            title = str(item.in_language("title"))
            lines.append(f"{item.starts_at:%H:%M} {title}" if item.starts_at else title)
        parts = []
        if session.online_link:
            parts.append(_("Online: %(link)s") % {"link": session.online_link})
        if lines:
            parts.append(_("Agenda:") + "\n" + "\n".join(lines))
        parts.append(url)
        event.add("description", "\n\n".join(parts))
    return event


def session_invitation_ics(session, *, email: str, cancel: bool = False) -> str:
    """An invitation (or cancellation) for one recipient: no other attendee is listed."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    event = _event(session, detail=True, cancelled=cancel)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText("Codesign")
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def session_download_ics(session) -> str:
    """The session as a file to add to one's own calendar."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(_event(session, detail=True))
    return calendar.to_ical().decode()


def feed_ics(sessions) -> str:
    """A person's private feed: their sessions with the least detail needed."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "Codesign")
    for session in sessions:
        calendar.add_component(_event(session, detail=False))
    return calendar.to_ical().decode()


def ics_attachment(content: str, *, method: str = "REQUEST") -> dict:
    return {
        "filename": "invite.ics",
        "content": content,
        "mimetype": f"text/calendar; charset=utf-8; method={method}",
    }
