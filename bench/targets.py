"""The performance targets, each checked at the size it names: met, MISSED or not measured.

A target names the data it is about (a board of 20,000 contributions, an organisation of
200,000, a journey map of 5,000 touchpoints). It is checked on the largest measured size that
has that much; if none has, it is "not measured", and its note gives what the largest size
measured so far shows, so a run at a smaller size still says where things stand.
"""

from .pages import BOARD_PAGES

PROJECT_SIZE = 20_000  # contributions on the board the targets speak of
ORGANISATION_SIZE = 200_000
# "After a write": another person's support, and another person's comment (bench/measure.py).
WRITES = ("after_write", "after_comment")
TOUCHPOINTS = 5_000
LIMITS = {
    "board_ratio": 5,
    "board_kept_ratio": 2,
    "board_queries": 12,
    "contribution_ratio": 5,
    "contribution_queries": 15,
    "session_ratio": 5,
    "journey_ratio": 5,
    "project_dashboard_ratio": 10,
    "organisation_dashboard_ratio": 20,
    "dashboard_queries": 25,
    "throughput_ratio": 0.3,
    # Exports no worse than today: 196k rows to CSV in 8 s with 7 queries.
    "largest_export_seconds": 8,
    "largest_export_queries": 7,
}


def target(name, value, limit, *, unit="", at=None, note="", at_least=False) -> dict:
    met = None
    if value is not None:
        met = value >= limit if at_least else value <= limit
    return {
        "name": name,
        "value": value,
        "limit": limit,
        "unit": unit,
        "at_least": at_least,
        "at": at,
        "met": met,
        "note": note,
    }


def _rows(size: dict, pages, states=None):
    """(key, measured page) for the pages and states asked."""
    for key, page in size.get("pages", {}).items():
        if page.get("page") in pages and (states is None or page.get("state") in states):
            yield key, page


def _worst(size: dict | None, pages, field: str, states=None):
    """The highest ``field`` among these pages, and where it was."""
    if size is None:
        return None, ""
    found = [(page[field], key) for key, page in _rows(size, pages, states) if page.get(field)]
    if not found:
        return None, ""
    value, key = max(found)
    return value, key


def _sized(sizes: dict, enough) -> tuple[str | None, dict | None]:
    """The largest measured size for which ``enough(data)`` holds."""
    fitting = [
        (s["data"]["contributions"], label) for label, s in sizes.items() if enough(s["data"])
    ]
    if not fitting:
        return None, None
    label = max(fitting)[1]
    return label, sizes[label]


def _largest(sizes: dict) -> tuple[str | None, dict | None]:
    return _sized(sizes, lambda data: True)


def ratio_target(sizes, name, pages, limit, enough, *, states=None) -> dict:
    label, size = _sized(sizes, enough)
    value, where = _worst(size, pages, "ratio_to_bare", states)
    note = f"worst: {where}" if where else ""
    if size is None:
        largest_label, largest = _largest(sizes)
        so_far, where = _worst(largest, pages, "ratio_to_bare", states)
        if so_far is not None:
            note = f"not at that size yet; at {largest_label}: {so_far}× ({where})"
    return target(name, value, limit, unit="×", at=label, note=note)


def queries_target(sizes, name, pages, limit) -> dict:
    """The most queries any of these pages ran at any size (the usual count of each)."""
    worst = None
    for label, size in sizes.items():
        value, where = _worst(size, pages, "queries")
        if value is not None and (worst is None or value > worst[0]):
            worst = (value, f"{label} {where}")
    if worst is None:
        return target(name, None, limit)
    return target(name, worst[0], limit, at="every size", note=f"most: {worst[1]}")


def flat_target(sizes) -> dict:
    """Each page's usual query count at the largest size is no more than at the smallest."""
    name = "Queries flat from the smallest size measured to the largest"
    if len(sizes) < 2:
        return target(name, None, 0, note="needs two sizes measured")
    order = sorted(sizes, key=lambda label: sizes[label]["data"]["contributions"])
    small, large = sizes[order[0]]["pages"], sizes[order[-1]]["pages"]
    grew = sorted(
        f"{key} {small[key]['queries']}→{page['queries']}"
        for key, page in large.items()
        if key in small and page["queries"] > small[key]["queries"]
    )
    return target(
        name,
        len(grew),
        0,
        unit="pages that grew",
        at=f"{order[0]} to {order[-1]}",
        note="; ".join(grew),
    )


def throughput_target(sizes) -> dict:
    label, size = _sized(
        sizes, lambda d: d.get("contributions_in_large_project", 0) >= PROJECT_SIZE
    )
    name = "Board throughput with two writes a second, against the bare view's"
    value = None
    note = ""
    if size is not None:
        value = (size.get("throughput") or {}).get("two_writes_a_second", {}).get("ratio_to_bare")
    else:
        largest_label, largest = _largest(sizes)
        so_far = ((largest or {}).get("throughput") or {}).get("two_writes_a_second", {})
        if so_far.get("ratio_to_bare") is not None:
            note = f"not at that size yet; at {largest_label}: {so_far['ratio_to_bare']}"
    return target(name, value, LIMITS["throughput_ratio"], at=label, note=note, at_least=True)


def export_targets(sizes) -> list[dict]:
    label, size = _sized(sizes, lambda d: d["contributions"] >= ORGANISATION_SIZE)
    made = (size or {}).get("builds", {}).get("largest_csv_export", {})
    return [
        target(
            "Largest CSV export (200,000 rows): time, no worse than today's 8 s",
            made.get("seconds"),
            LIMITS["largest_export_seconds"],
            unit="s",
            at=label,
        ),
        target(
            "Largest CSV export (200,000 rows): queries, no worse than today's 7",
            made.get("queries"),
            LIMITS["largest_export_queries"],
            at=label,
        ),
    ]


def check(sizes: dict, before: dict | None = None) -> list[dict]:
    """Every target of the performance issue, over the sizes measured so far (and the code
    before this round measured here: ``before_and_now``)."""

    def board_of_20k(data):
        return data.get("contributions_in_large_project", 0) >= PROJECT_SIZE

    def map_of_5k(data):
        return data.get("touchpoints_in_large_project", 0) >= TOUCHPOINTS

    def organisation_of_200k(data):
        return data["contributions"] >= ORGANISATION_SIZE

    dashboards = ("project_dashboard", "organisation_dashboard")
    rows = [
        ratio_target(
            sizes,
            "Board at 20,000, every state, page and search: × bare",
            BOARD_PAGES,
            LIMITS["board_ratio"],
            board_of_20k,
        ),
        ratio_target(
            sizes,
            "Board at 20,000, kept pages: × bare",
            BOARD_PAGES,
            LIMITS["board_kept_ratio"],
            board_of_20k,
            states=("kept",),
        ),
        queries_target(sizes, "Board: queries", BOARD_PAGES, LIMITS["board_queries"]),
        ratio_target(
            sizes,
            "Contribution with 10 comments (board of 20,000): × bare",
            ("contribution",),
            LIMITS["contribution_ratio"],
            board_of_20k,
        ),
        queries_target(
            sizes,
            "Contribution with 10 comments: queries",
            ("contribution",),
            LIMITS["contribution_queries"],
        ),  # fmt: skip
        ratio_target(
            sizes,
            "Session page (project of 20,000): × bare",
            ("session",),
            LIMITS["session_ratio"],
            board_of_20k,
        ),
        ratio_target(
            sizes,
            "Journey map at 5,000 touchpoints: × bare",
            ("journey_map",),
            LIMITS["journey_ratio"],
            map_of_5k,
        ),
        ratio_target(
            sizes,
            "Project dashboard after a write (project of 20,000): × bare",
            ("project_dashboard",),
            LIMITS["project_dashboard_ratio"],
            board_of_20k,
            states=WRITES,
        ),
        ratio_target(
            sizes,
            "Organisation dashboard after a write (organisation of 200,000): × bare",
            ("organisation_dashboard",),
            LIMITS["organisation_dashboard_ratio"],
            organisation_of_200k,
            states=WRITES,
        ),
        queries_target(sizes, "Dashboards: queries", dashboards, LIMITS["dashboard_queries"]),
        flat_target(sizes),
        throughput_target(sizes),
        *export_targets(sizes),
        before_target(sizes, before),
        reminders_target(sizes),
    ]
    return rows


def verdict(row: dict) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[row["met"]]


def summary(rows: list[dict]) -> str:
    """One honest sentence: every target met only when each one was measured and met."""
    missed = [row["name"] for row in rows if row["met"] is False]
    unmeasured = [row["name"] for row in rows if row["met"] is None]
    if missed:
        text = f"{len(missed)} of {len(rows)} targets MISSED"
    else:
        text = f"No target missed of the {len(rows) - len(unmeasured)} measured"
    if unmeasured:
        text += f"; {len(unmeasured)} not measured"
    if not missed and not unmeasured:
        text = "Every target is met"
    return text + "."


# Before this round: the performance issue's own measurements (as a participant, production
# settings, the same pairing), per board size (the measured project's contributions). Pages whose
# state it did not name are compared in their worst state.
BEFORE = [
    # (label, board size, page, states, role, × bare, queries)
    ("Board, kept page", 2_000, "board_first", ("kept",), "participant", 1.6, 8),
    ("Board, kept page", 20_000, "board_first", ("kept",), "participant", 2.0, 8),
    ("Board, after a write", 2_000, "board_first", WRITES, "participant", 4.2, 13),
    ("Board, after a write", 20_000, "board_first", WRITES, "participant", 4.6, 13),
    ("Board, last page", 20_000, "board_last", None, "participant", 36, 13),
    ("Board, search", 20_000, "board_search", None, "participant", 20, 13),
    ("Contribution with 10 comments", 20_000, "contribution", None, "participant", 6.5, 16),
    (
        "Project dashboard after a write",
        20_000,
        "project_dashboard",
        WRITES,
        "facilitator",
        59,
        25,
    ),
    (
        "Organisation dashboard after a write (200,000)",
        20_000,
        "organisation_dashboard",
        WRITES,
        "manager",
        163,
        25,
    ),
    ("Journey map, 5,000 touchpoints", 20_000, "journey_map", None, "participant", 115, 10),
]
BEFORE_THROUGHPUT = {"no_writes": 0.26, "two_writes_a_second": 0.19}


def before_and_now(sizes: dict, before: dict | None = None) -> list[dict]:
    """Each of the issue's figures from before this round beside this run's, where the same
    board size was measured. The figure before is this bench's own, of the code before the
    round on this machine (``before``: sizes measured by ``bench/before.py``), where it
    measured that board, and the issue's (from another machine) elsewhere: ``source`` says
    which."""
    rows = []
    for label, board, page, states, role, ratio, queries in BEFORE:
        row = {"label": label, "board": board, "ratio_before": ratio, "queries_before": queries}
        row["source"] = "issue"
        then = _pages_of(_of_board(before or {}, board), page, role, states)
        if then:
            worst = max(then, key=lambda p: p["ratio_to_bare"])
            row.update(
                ratio_before=worst["ratio_to_bare"],
                queries_before=max(p["queries"] for p in then),
                ms_before=worst.get("median_ms"),
                source="here",
            )
        now = _pages_of(_of_board(sizes, board), page, role, states)
        if now:
            worst = max(now, key=lambda p: p["ratio_to_bare"])
            queries = max(p["queries"] for p in now)
            row.update(
                ratio_now=worst["ratio_to_bare"],
                queries_now=queries,
                ms_now=worst.get("median_ms"),
                state=worst["state"],
                worse=worst["ratio_to_bare"] > row["ratio_before"]
                or queries > row["queries_before"],
            )
        rows.append(row)
    label, largest = _largest(sizes)
    _then_label, largest_then = _largest(before or {})
    for name, ratio in BEFORE_THROUGHPUT.items():
        row = {"label": f"Throughput, {name.replace('_', ' ')}", "board": None}
        row.update(ratio_before=ratio, source="issue")
        then = ((largest_then or {}).get("throughput") or {}).get(name, {}).get("ratio_to_bare")
        if then is not None and _board(largest_then) == _board(largest):
            row.update(ratio_before=then, source="here")
        now = ((largest or {}).get("throughput") or {}).get(name, {}).get("ratio_to_bare")
        if now is not None:
            row.update(ratio_now=now, at=label, worse=now < row["ratio_before"])
        rows.append(row)
    return rows


def _board(size: dict | None) -> int | None:
    return (size or {}).get("data", {}).get("contributions_in_large_project")


def _of_board(sizes: dict, board: int) -> dict | None:
    """The size whose measured project holds a board of ``board`` contributions."""
    return next((size for size in sizes.values() if _board(size) == board), None)


def _pages_of(size: dict | None, page: str, role: str, states) -> list[dict]:
    return [
        p
        for p in (size or {}).get("pages", {}).values()
        if p["page"] == page and p["role"] == role and (states is None or p["state"] in states)
    ]


def before_target(sizes: dict, before: dict | None = None) -> dict:
    rows = [row for row in before_and_now(sizes, before) if "worse" in row]
    worse = [row["label"] for row in rows if row["worse"]]
    here = sum(row["source"] == "here" for row in rows)
    compared = f"{len(rows)} compared, {here} with the code before measured here"
    return target(
        "No figure worse than before this round",
        len(worse) if rows else None,
        0,
        unit="worse",
        at=compared if rows else None,
        note="; ".join(worse),
    )


REMINDERS = 10_000


def reminders_target(sizes: dict) -> dict:
    """10,000 reminders in a minute (no worse than today), every one written, none twice."""
    name = "Reminders: 10,000 in a minute, none twice"
    measured = [
        (label, size["reminders"])
        for label, size in sizes.items()
        if (size.get("reminders") or {}).get("replies", 0) >= REMINDERS
    ]
    if not measured:
        return target(name, None, 60, unit="s")
    label, sent = max(measured, key=lambda item: item[1]["seconds"])
    row = target(
        name,
        sent["seconds"],
        60,
        unit="s",
        at=label,
        note=f"{sent['written']:,} of {sent['replies']:,} written, "
        f"{sent['written_again']} written again",
    )
    if sent["written"] != sent["replies"] or sent["written_again"]:
        row["met"] = False
    return row
