"""partition_sum: parts vs their total, or shares vs 100%.

- "T ..., of which a, b and c" and other breakdowns written in prose: prose.py (relation_rules.yaml).
- Shares of one population in one clause ("40% agreed, whilst 60% disagreed"; later shares
  naming no other population): sum vs 100. About 100 passes; below is unverifiable (other
  answers not reported); above is unverifiable in prose (shares may overlap).
- Tables are checked by tables.py.
- Shares laid out line by line: one line of a closed question's answers ("Agree 41% | Neither
  17% | Disagree 19%"), or consecutive labelled rows of one family ending with the row that
  completes it ("... other placements"): each vs 100 (`line_list_checks`).
Tolerance: the sum of the parts' rounding intervals (three whole percentages: 98.5-101.5).
"""

from __future__ import annotations

import re

from transform.checks.common import Check, fmt, iv, iv_add, mid, q
from transform.checks.policy import cue, interval_text

def _point(parts: list[dict]) -> float:
    return sum(p["value"] for p in parts)


def _sum(parts: list[dict]) -> tuple[float, float]:
    total = (0.0, 0.0)
    for p in parts:
        total = iv_add(total, iv(p))
    return total


def _verdict_vs_total(parts: list[dict], total: tuple[float, float], strict_below: bool) -> tuple[str, tuple[float, float]]:
    s = _sum(parts)
    if s[0] <= total[1] + 1e-9 and total[0] <= s[1] + 1e-9:
        return "pass", s
    if s[0] > total[1]:
        return "fail", s
    return ("fail" if strict_below else "unverifiable"), s


def share_set_checks(text: str, sfigs: list[dict], used: set[str]) -> list[Check]:
    shares = [f for f in sfigs if f["unit"] == "percent" and f["role"] == "level" and f["figure_id"] not in used and f["value"] >= 0]
    if len(shares) < 2:
        return []
    first = shares[0]
    group = [first]
    for f in shares[1:]:
        between = text[group[-1]["end"] : f["start"]]
        if "(" in between[-3:] or cue("clause_break").search(between) or "\n\n" in between:
            break
        pa, pb = _population(text, first), _population(text, f)
        if pa and pb and pa != pb:
            break
        if not cue("complementary_shares").search(between):
            break
        group.append(f)
    if len(group) < 2:
        return []
    s = _sum(group)
    listed = " + ".join(q(p) for p in group)
    if s[0] <= 100 <= s[1]:
        verdict, tail = "pass", "which is 100% within rounding: the shares are complementary"
    elif s[1] < 100:
        verdict, tail = "unverifiable", "below 100%: the other categories are not reported, so the split cannot be completed"
    else:
        verdict, tail = "unverifiable", "above 100%, but shares in running text may overlap or concern different groups"
    return [Check("partition_sum", "partition_shares", group, verdict, _point(group),
                  f"sum of the parts' rounding intervals: {interval_text(s, 'percent')} vs 100",
                  f"{listed} = {fmt(_point(group))}%, {tail}.", stated=100.0, computed_iv=s)]


def _population(text: str, f: dict) -> str | None:
    """The population a share names right after it ('40% of councils' -> 'councils'), if any."""
    m = re.match(r"\s+of\s+(?:the\s+|all\s+)?([A-Za-z][\w’'-]*(?:\s+[a-z][\w’'-]*)?)", text[f["end"] : f["end"] + 60])
    return m.group(1).lower() if m else None


def sum_back_checks(text: str, sfigs: list[dict], previous: list[dict]) -> list[Check]:
    """A total introduced by 'together ... make up' vs the same-unit figures of the previous
    sentence. The parts are tied by position only, so only a match passes; any gap is
    unverifiable."""
    out = []
    for t in sfigs:
        if t["role"] != "level" or not cue("sum_back").search(text[t["sentence_start"] : t["start"]]):
            continue
        parts = [f for f in previous if f["unit"] == t["unit"] and f["role"] == "level"]
        if len(parts) < 2:
            continue
        s = _sum(parts)
        ok = s[0] <= t["hi"] + 1e-9 and t["lo"] <= s[1] + 1e-9
        listed = " + ".join(q(p) for p in parts)
        out.append(Check("partition_sum", "partition_sum_back", [*parts, t], "pass" if ok else "unverifiable", _point(parts),
                         f"sum of the parts' rounding intervals: {interval_text(s)}",
                         f"{listed} = {fmt(_point(parts))}, " + ("matching" if ok else "not matching") + f" the total {q(t)} stated after them"
                         + ("." if ok else " (the previous sentence need not hold every part)."), stated=t["value"], computed_iv=s))
    return out


LABEL_CODE = re.compile(r"^\s*(?:[A-Z]{1,4}\d{1,3}[a-z]?\b|\d+[.)])\s*")
ITEM_SEPARATORS = " \t|;,:/"


def _lines(text: str, figs: list[dict]) -> list[tuple[int, int, list[dict]]]:
    """(line start, line end, figures on it) for every line of the document holding a figure."""
    out: dict[int, tuple[int, int, list[dict]]] = {}
    for f in sorted(figs, key=lambda f: f["start"]):
        a = text.rfind("\n", 0, f["start"]) + 1
        b = text.find("\n", f["end"])
        b = len(text) if b < 0 else b
        out.setdefault(a, (a, b, []))[2].append(f)
    return [out[k] for k in sorted(out)]


def _share_sum_check(rule: str, cells: list[dict], fail_allowed: bool, what: str) -> Check:
    s = _sum(cells)
    if s[0] <= 100 <= s[1]:
        verdict, tail = "pass", "which is 100% within rounding"
    elif s[0] > 100 and fail_allowed:
        verdict, tail = "fail", f"more than 100% beyond the rounding of {len(cells)} parts although {what}"
    else:
        verdict, tail = "unverifiable", f"not 100%, but {'a category may be unreported' if s[1] < 100 else 'the cells cannot be aligned into one column with certainty'}"
    listed = " + ".join(q(c) for c in cells)
    return Check("partition_sum", rule, cells, verdict, _point(cells),
                 f"sum of the parts' rounding intervals: {interval_text(s, 'percent')} vs 100",
                 f"{listed} = {fmt(_point(cells))}%, {tail}.", stated=100.0, computed_iv=s)


def line_list_checks(text: str, figs: list[dict]) -> list[Check]:
    """Shares laid out line by line (see `answer_list_checks` and `row_block_checks`)."""
    lines = _lines(text, [f for f in figs if f["unit"] == "percent" and f["role"] in ("level", "target")])
    return answer_list_checks(text, lines) + row_block_checks(text, lines)


def answer_list_checks(text: str, lines: list[tuple[int, int, list[dict]]]) -> list[Check]:
    """One line listing the answers of a closed question with their shares ("Agree 41% | Neither
    17% | Disagree 19%"; every label matches cue ``answer_scale_label``): the answers cover every
    respondent, so the shares add up to 100 within rounding; above it is a fail, below it is
    unverifiable (non-response may be left out)."""
    out = []
    for a, b, cells in lines:
        if len(cells) < 3 or any(c["role"] != "level" for c in cells):
            continue
        labels, prev = [], a
        for c in cells:
            labels.append(text[prev : c["start"]].strip(ITEM_SEPARATORS))
            prev = c["end"]
        if text[prev:b].strip(ITEM_SEPARATORS):
            continue
        if not all(cue("answer_scale_label").search(lab) for lab in labels):
            continue
        out.append(_share_sum_check("partition_answer_list", cells, True, "the answers listed cover every respondent"))
    return out


def _first_word(label: str) -> str | None:
    m = re.match(r"\s*([A-Za-z]+)", LABEL_CODE.sub("", label))
    return m.group(1).lower() if m else None


def row_block_checks(text: str, lines: list[tuple[int, int, list[dict]]]) -> list[Check]:
    """Consecutive table lines of a label and percentage cells ("K2 Share in foster care 71.2%
    70.4%"), whose labels start with the same word and end with a row completing the categories
    (cue ``exhaustive_label``: "... other placements"): each column of the block vs 100. Columns
    are taken from the left up to the shortest row; a fail needs every row to have the same
    number of cells (otherwise the alignment is unsure and the verdict is unverifiable)."""
    rows = []
    for a, b, every in lines:
        # Level cells first, then any target cells ("... 70.4% 75%"): the targets are not parts.
        cells = [c for c in every if c["role"] == "level"]
        if not cells or any(c["role"] == "level" for c in every[len(cells):]):
            rows.append(None)
            continue
        label = text[a : cells[0]["start"]]
        if "\n" in label or not re.search(r"[A-Za-z]{3}", label) or text[every[-1]["end"] : b].strip(" \t|").strip("-–n/a "):
            rows.append(None)
            continue
        between = [text[x["end"] : y["start"]] for x, y in zip(every, every[1:])]
        if any(re.search(r"[A-Za-z]{2}", t) for t in between):
            rows.append(None)
            continue
        rows.append((a, label, cells))
    out = []
    for k, row in enumerate(rows):
        if row is None or not cue("exhaustive_label").search(LABEL_CODE.sub("", row[1])):
            continue
        word = _first_word(row[1])
        block = [row]
        j = k - 1
        while j >= 0 and rows[j] is not None and _first_word(rows[j][1]) == word and _adjacent(text, rows[j], block[0]):
            block.insert(0, rows[j])
            j -= 1
        if len(block) < 2 or word is None:
            continue
        width = min(len(r[2]) for r in block)
        same_width = len({len(r[2]) for r in block}) == 1
        for col in range(width):
            cells = [r[2][col] for r in block]
            out.append(_share_sum_check("partition_row_block", cells, same_width,
                                        "the last row completes the categories"))
    return out


def _adjacent(text: str, upper: tuple, lower: tuple) -> bool:
    """Whether `upper` is the line right above `lower` (no blank or other line between)."""
    gap = text[upper[2][-1]["end"] : lower[0]]
    return gap.count("\n") == 1
