"""The README's performance figures, written from bench/results.json.

.venv/bin/python -m bench.run --out bench/results.json --readme README.md
rewrites what stands between the ``<!-- bench -->`` and ``<!-- /bench -->`` markers.
"""

from pathlib import Path

START, END = "<!-- bench -->", "<!-- /bench -->"

PAGES = [
    ("organisation_dashboard", "Organisation dashboard (manager), figures kept", "dashboard"),
    (
        "organisation_dashboard_worked_out",
        "Organisation dashboard, figures worked out (first view after a change)",
        "queries",
    ),
    ("project_dashboard", "Project dashboard (facilitator), figures kept", "dashboard"),
    ("project_dashboard_worked_out", "Project dashboard, figures worked out", "queries"),
    ("board", "Contribution board, {size} contributions, page 1, kept", "board"),
    (
        "board_worked_out",
        "Contribution board, worked out (first view after a write)",
        "board_queries",
    ),
    ("bare_manager", "bare view (manager)", ""),
    ("bare_facilitator", "bare view (facilitator)", ""),
]
PAGE_TARGETS = {
    "dashboard": "< 10× bare, < 25 queries",
    "queries": "< 25 queries",
    "board": "< 20 ms, < 10× bare, < 15 queries",
    "board_queries": "< 15 queries",
    "": "",
}
BUILDS = [
    ("largest_csv_export", "All {all} contributions, CSV (the largest export)", "< 60 s, < 300 MB"),
    ("largest_xlsx_export", "All {all} contributions, XLSX", ""),
    ("project_contributions_export", "{size} contributions of one project, CSV", "< 1 s"),
    ("project_contributions_xlsx", "{size} contributions of one project, XLSX", ""),
    ("project_report_pdf", "Project report PDF ({size} contributions)", ""),
    ("organisation_report_pdf", "Organisation report PDF", ""),
]


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def markdown(results: dict) -> str:
    machine, data = results["machine"], results["data"]
    names = {
        "size": f"{data['contributions_in_large_project']:,}",
        "all": f"{data['contributions']:,}",
    }
    lines = [
        f"Figures of {results['generated_at'][:10]} ({machine['cpus']} cores, "
        f"{machine['database']}, Python {machine['python']}, Django {machine['django']}):",
        "",
        "| page | median | queries | bare beside it | × bare | target |",
        "|---|---|---|---|---|---|",
    ]
    for key, label, kind in PAGES:
        page = results["pages"].get(key)
        if page is None:
            continue
        bare = page.get("bare_median_ms")
        lines.append(
            f"| {label.format(**names)} | {_ms(page['median_ms'])} | {page['queries']} "
            f"| {_ms(bare) if bare else ''} | {page.get('ratio_to_bare', '')} "
            f"| {PAGE_TARGETS[kind]} |"
        )
    lines += ["", "| build | time | peak memory (process) | target |", "|---|---|---|---|"]
    for key, label, goal in BUILDS:
        made = results["builds"].get(key)
        if made is None:
            continue
        lines.append(
            f"| {label.format(**names)} | {made['seconds']:.2f} s | {made['peak_rss_mb']:.0f} MB "
            f"| {goal} |"
        )
    missed = [row["name"] for row in results["targets"] if row["met"] is False]
    lines.append("")
    lines.append(f"Missed: {'; '.join(missed)}." if missed else "Every target is met.")
    return "\n".join(lines)


def rewrite(readme: Path, results: dict) -> None:
    text = readme.read_text()
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{markdown(results)}\n{END}{after}")
