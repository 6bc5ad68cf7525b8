"""The demo trust's own look: a logo drawn here (a green square with a white river) and a
colour pair that contrasts 11:1. Called by seed_demo."""

import io

from PIL import Image, ImageDraw

from projects.services import organisation_update


def _logo() -> bytes:
    image = Image.new("RGB", (240, 120), "#0b3d2e")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 112, 112), fill="#fdf6e3")
    draw.line([(14, 80), (40, 60), (66, 76), (92, 52), (106, 60)], fill="#1d6fa5", width=10)
    draw.text((126, 48), "Riverside", fill="#fdf6e3")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_look(*, trust) -> None:
    organisation_update(
        organisation=trust, logo=_logo(), look_background="#0b3d2e", look_text="#fdf6e3"
    )
