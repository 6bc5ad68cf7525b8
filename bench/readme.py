"""The README's performance figures, written from the benchmark's results as they are.

.venv/bin/python -m bench.run --readme README.md rewrites what stands between the
``<!-- bench -->`` and ``<!-- /bench -->`` markers: every size measured, every target with
met, MISSED or not measured, and the sentence that sums them up (bench/targets.py).
"""

from pathlib import Path

from . import targets
from .measure import STATE_LABELS, STATES
from .pages import PAGES

START, END = "<!-- bench -->", "<!-- /bench -->"


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _cell(page: dict | None) -> str:
    if page is None:
        return ""
    return f"{_ms(page['median_ms'])}, {page['ratio_to_bare']}×, {page['queries']} q"


def size_table(label: str, size: dict) -> list[str]:
    data = size["data"]
    lines = [
        f"**{label}**: an organisation of {data['contributions']:,} contributions; the "
        f"measured project holds {data['contributions_in_large_project']:,} "
        f"({data['touchpoints_in_large_project']:,} touchpoints). Measured "
        f"{size['generated_at'][:16].replace('T', ' ')} UTC, load average "
        f"{size['load_average']['before'][0]:.1f} before, "
        f"{size['load_average']['after'][0]:.1f} after.",
    ]
    if size.get("note"):
        lines.append(f"Note: {size['note']}")
    lines += [
        "",
        "| page | as | " + " | ".join(STATE_LABELS[s] for s in STATES) + " |",
        "|---|---|" + "---|" * len(STATES),
    ]
    for key, (name, roles) in PAGES.items():
        for role in roles:
            cells = [_cell(size["pages"].get(f"{role}.{key}.{state}")) for state in STATES]
            if any(cells):
                lines.append(f"| {name} | {role} | " + " | ".join(cells) + " |")
    bares = sorted({page["bare_median_ms"] for page in size["pages"].values()})
    if bares:
        lines.append("")
        lines.append(
            f"Bare view beside each request: {_ms(bares[len(bares) // 2])} (median of the "
            f"pages' medians)."
        )
    load = size.get("throughput") or {}
    for name, text in (("no_writes", "no writes"), ("two_writes_a_second", "two writes a second")):
        if isinstance(load.get(name), dict):
            figures = load[name]
            lines.append(
                f"Throughput, {text} (gunicorn, {load['workers']} workers, {load['people']} "
                f"participants in turn): board {figures['board_per_second']}/s, bare view "
                f"{figures['bare_per_second']}/s: **{figures['ratio_to_bare']}** of the bare view."
            )
    if size.get("reminders"):
        sent = size["reminders"]
        lines.append(
            f"Reminders: {sent['written']:,} of {sent['replies']:,} written in "
            f"{sent['seconds']} s ({sent['queries']} queries); run again at once, "
            f"{sent['written_again']} more."
        )
    if size.get("builds"):
        lines += ["", "| build | time | queries | peak memory (process) |", "|---|---|---|---|"]
        for name, made in size["builds"].items():
            lines.append(
                f"| {name.replace('_', ' ')} | {made['seconds']:.2f} s | {made['queries']} "
                f"| {made['peak_rss_mb']:.0f} MB |"
            )
    return lines


def markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        f"{machine['cpus']} cores, {machine['database']}, Python {machine['python']}, Django "
        f"{machine['django']}; settings `{machine['settings']}` (two-factor "
        f"{'on' if machine['two_factor_required'] else 'off'}, cache {machine['cache']}). "
        "Each cell: median time, its ratio to the bare view asked just before it (pair by "
        "pair), queries.",
        "",
    ]
    for label, size in results["sizes"].items():
        lines += size_table(label, size)
        lines.append("")
    lines += ["| target | verdict | value | limit | at |", "|---|---|---|---|---|"]
    for row in results["targets"]:
        value = (
            ""
            if row["value"] is None
            else f"{row['value']}{row['unit'] if row['unit'] in ('×', 's') else ''}"
        )
        limit = "" if row["limit"] is None else f"{'≥' if row['at_least'] else '≤'} {row['limit']}"
        note = f" ({row['note']})" if row["note"] else ""
        verdict = targets.verdict(row)
        verdict = f"**{verdict}**" if verdict == "MISSED" else verdict
        lines.append(f"| {row['name']}{note} | {verdict} | {value} | {limit} | {row['at'] or ''} |")
    lines += ["", targets.summary(results["targets"]), ""]
    lines += before_table(results)
    return "\n".join(lines)


def before_table(results: dict) -> list[str]:
    """The figures from before this round beside this run's: this bench's own, of the code
    before the round on this machine (``bench/before.py``), or else the performance issue's."""
    before = results.get("before") or {}
    measured = ", ".join(
        f"{label} on {size['generated_at'][:16].replace('T', ' ')} UTC"
        for label, size in before.items()
    )
    lines = [
        "Before this round and now: “here” is the code before the round (commit "
        f"{next(iter(before.values()))['commit']}) measured by this bench on this machine "
        f"({measured}; `python -m bench.before`), “issue” the performance issue's own figure, "
        "taken on another machine."
        if before
        else "Before this round (the performance issue's figures) and now:",
        "",
        "| page | board of | × bare before | before from | × bare now | ms before | ms now "
        "| queries before | queries now |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in targets.before_and_now(results["sizes"], before):
        board = f"{row['board']:,}" if row["board"] else row.get("at", "")
        now = row.get("ratio_now", "not measured")
        worse = " (worse)" if row.get("worse") else ""
        lines.append(
            f"| {row['label']} | {board} | {row['ratio_before']} | {row['source']} "
            f"| {now}{worse} | {row.get('ms_before', '')} | {row.get('ms_now', '')} "
            f"| {row.get('queries_before', '')} | {row.get('queries_now', '')} |"
        )
    return lines


def rewrite(readme: Path, results: dict) -> None:
    text = readme.read_text()
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{markdown(results)}\n{END}{after}")
