"""How long a text message is: its segments, as phone networks count them.

A text in the GSM 7-bit alphabet holds 160 characters alone or 153 per segment when split
(the characters of the extension table count twice); any other character makes the whole
text UCS-2: 70 alone, 67 per segment. Codesign's texts are at most two segments.
"""

MAX_SEGMENTS = 2

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def length(text: str) -> int:
    """Its length in the units its encoding counts (septets for GSM, characters for UCS-2)."""
    if is_gsm(text):
        return sum(2 if char in GSM_EXTENDED else 1 for char in text)
    return len(text)


def segments(text: str) -> int:
    """How many segments a network splits the text into."""
    single, part = (160, 153) if is_gsm(text) else (70, 67)
    size = length(text)
    if size <= single:
        return 1
    return -(-size // part)


def fits(text: str) -> bool:
    return len(text.strip()) > 0 and segments(text) <= MAX_SEGMENTS


# Characters people's phones and keyboards put in that the GSM alphabet lacks; replacing them
# keeps a text in GSM (twice the room) rather than UCS-2.
PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def plain(text: str) -> str:
    """The text with typographic quotes and dashes made plain, and spaces tidied."""
    lines = [" ".join(line.split()) for line in text.translate(PLAIN).strip().splitlines()]
    return "\n".join(line for line in lines if line)


def shorten(text: str) -> str:
    """The text cut (ending "...") to two segments if it is longer, so that a long title or a
    language with longer words never stops a message."""
    if segments(text) <= MAX_SEGMENTS:
        return text
    cut = text
    while cut and segments(cut.rstrip() + "...") > MAX_SEGMENTS:
        cut = cut[: -max(1, (length(cut) - 300) // 2)] if length(cut) > 310 else cut[:-1]
    return cut.rstrip() + "..."
