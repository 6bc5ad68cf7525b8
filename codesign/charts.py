"""What every server-drawn SVG chart shares: the two groups' colours and how numbers are
written into the drawing. The dashboards' bar charts and the touchpoint map's curves use them."""

# Brand blue (8.7:1 on white) and burnt orange (4.6:1 on white): both meet 3:1 against white
# (WCAG 2.2 AA for graphics).
SERVICE_USER_FILL = "#1d4f73"
STAFF_FILL = "#c05600"


def svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: always a dot, never a localised comma."""
    return f"{value:.1f}"
