"""The disclosure rule: which groups' figures a page, a download or a report may show.

One rule for every comparison of groups (a round's dots by constituency, the ladder's ratings,
the managers' dashboards and reports), written out with examples in the README. It knows
nothing of any app: callers hand it how many people are in each group and which groups the
page has a column for.

- A group with at least ``threshold`` people is shown; a group with fewer (but some) is not:
  the page says "fewer than N".
- Where a total of everyone is shown too, the groups not shown (small ones, and groups that
  have no column, such as "other") can be worked out together as the total less the shown
  ones. So those hidden groups must hold no one, or at least ``threshold`` people together:
  until they do, the smallest shown group is hidden with them. If even that cannot make them
  large enough, no group is shown (not even one nobody in which took part).
- A professional group (facilitators rating the ladder in their role) is shown whatever its size.
- A round declared open (votes placed in the room, where everyone saw them) shows every group.
- Managers' dashboards and reports use the stricter of 5 and the project's threshold, and never
  honour a round declared open.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_GROUP_THRESHOLD = 3
MINIMUM_GROUP_THRESHOLD = 2
MANAGERS_THRESHOLD = 5

# Why a group is not shown.
SMALL = "small"  # fewer than the threshold took part
COMPLEMENT = "complement"  # shown, it would give a smaller group away by subtraction


def managers_threshold(group_threshold: int | None = None) -> int:
    """The threshold for managers' dashboards and reports: 5, or the project's if stricter."""
    return max(MANAGERS_THRESHOLD, group_threshold or 0)


@dataclass(frozen=True)
class Disclosure:
    threshold: int
    sizes: Mapping[str, int]
    withheld: Mapping[str, str]
    in_the_open: bool = False

    def shown(self, group: str) -> bool:
        return group not in self.withheld

    def reason(self, group: str) -> str:
        """Why the group is not shown (SMALL or COMPLEMENT), or "" when it is."""
        return self.withheld.get(group, "")

    @property
    def all_shown(self) -> bool:
        return not self.withheld


def disclose(
    sizes: Mapping[str, int],
    *,
    threshold: int,
    columns: Iterable[str] | None = None,
    total_shown: bool = True,
    professional: Iterable[str] = (),
    in_the_open: bool = False,
) -> Disclosure:
    """Decide which groups may be shown, from how many people are in each.

    ``sizes`` names every group that makes up the total (in order), ``columns`` those the page
    has a column for (all, by default); ``total_shown`` says whether a total of everyone is
    shown beside them; ``professional`` groups are shown whatever their size.
    """
    threshold = max(threshold, MINIMUM_GROUP_THRESHOLD)
    columns = list(sizes if columns is None else columns)
    if in_the_open:
        return Disclosure(threshold, dict(sizes), {}, in_the_open=True)
    professional = set(professional)
    withheld = {
        group: SMALL
        for group in columns
        if group not in professional and 0 < sizes.get(group, 0) < threshold
    }
    if not total_shown:
        return Disclosure(threshold, dict(sizes), withheld)
    unshown = sum(size for group, size in sizes.items() if group not in columns)

    def hidden_together() -> int:
        return unshown + sum(sizes.get(group, 0) for group in withheld)

    while 0 < hidden_together() < threshold:
        candidates = [
            group
            for group in columns
            if group not in withheld and group not in professional and sizes.get(group, 0) > 0
        ]
        if not candidates:
            # Nothing left to hide with them: show no group at all, not even an empty one.
            for group in columns:
                withheld.setdefault(group, SMALL if sizes.get(group, 0) else COMPLEMENT)
            break
        smallest = min(candidates, key=lambda group: (sizes[group], columns.index(group)))
        withheld[smallest] = COMPLEMENT
    return Disclosure(threshold, dict(sizes), withheld)
