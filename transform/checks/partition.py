"""partition_sum: parts vs their total, or shares vs 100%.

- "T ..., of which a, b and c" (cue ``partition_of_which``): a+b+c vs T. Parts above the total
  fail; parts below it are unverifiable (not every category need be listed).
- Shares of one population in one clause ("40% agreed, whilst 60% disagreed"; later shares
  naming no other population): sum vs 100. About 100 passes; below is unverifiable (other
  answers not reported); above is unverifiable in prose (shares may overlap).
- Tables (lines of a label and its figures): each column of the category rows vs the row
  labelled as the whole ("Total", "All ..."; cue ``total_row``), or a percentage column vs 100
  when a row completes the categories ("Other"; cue ``exhaustive_row``). A column with a
  missing cell is not checked.
Tolerance: the sum of the parts' rounding intervals (three whole percentages: 98.5-101.5).
"""

from __future__ import annotations

import re

from transform.checks.common import Check, fmt, iv, iv_add, mid, q
from transform.checks.policy import cue, interval_text

ROW_ALIGN_CHARS = 4


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


def of_which_checks(text: str, sfigs: list[dict]) -> list[Check]:
    out = []
    for i, t in enumerate(sfigs):
        if t["unit"] not in ("count", "GBP") or t["role"] != "level":
            continue
        m = cue("partition_of_which").search(text[t["end"] : t["end"] + 80])
        if not m:
            continue
        cut = t["end"] + m.end()
        parts = [f for f in sfigs[i + 1 :] if f["start"] >= cut and f["unit"] == t["unit"] and f["role"] == "level"]
        if len(parts) < 2:
            continue
        verdict, s = _verdict_vs_total(parts, iv(t), strict_below=False)
        listed = " + ".join(q(p) for p in parts)
        tail = {"pass": "matching", "fail": "more than", "unverifiable": "less than"}[verdict]
        note = "" if verdict != "unverifiable" else " (the parts listed need not be every category)"
        out.append(Check("partition_sum", "partition_of_which", [*parts, t], verdict, _point(parts),
                         f"sum of the parts' rounding intervals: {interval_text(s)}",
                         f"{listed} = {fmt(_point(parts))}, {tail} the stated total {q(t)}{note}.", stated=t["value"], computed_iv=s))
    return out


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


def table_checks(text: str, sent_start: int, sfigs: list[dict]) -> list[Check]:
    """Columns of a table held in one sentence (see module doc)."""
    body = text[sent_start : max(f["end"] for f in sfigs)]
    if body.count("\n") < 3:
        return []
    rows: list[tuple[str, list[dict], int]] = []  # (label, figures, line start)
    pos = sent_start
    label, cells, line_start = None, [], sent_start
    for line in body.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        figs = [f for f in sfigs if a <= f["start"] < b]
        first = min((f["start"] for f in figs), default=b)
        lab = text[a:first].strip(" \t|:")
        if re.search(r"[A-Za-z]", lab):
            if label is not None and cells:
                rows.append((label, cells, line_start))
            label, cells, line_start = lab, list(figs), a
        elif figs and label is not None:
            cells.extend(figs)
    if label is not None and cells:
        rows.append((label, cells, line_start))
    if len(rows) < 3:
        return []
    out = []
    total_idx = next((k for k, r in enumerate(rows) if k >= 2 and cue("total_row").search(r[0])), None)
    body_rows = rows[:total_idx] if total_idx is not None else rows
    exhaustive = any(cue("exhaustive_row").search(r[0]) for r in body_rows)
    ncols = {len(r[1]) for r in body_rows}
    for col in range(max(len(r[1]) for r in rows)):
        parts = _column(body_rows, rows[total_idx] if total_idx is not None else None, col, ncols)
        if parts is None:
            continue
        cells, total = parts
        if len(cells) < 2 or len({c["unit"] for c in cells}) != 1:
            continue
        unit = cells[0]["unit"]
        listed = " + ".join(c["text"] for c in cells)
        if total is not None and total["unit"] == unit and not (unit == "percent" and abs(total["value"] - 100) < 1e-9 and False):
            verdict, s = _verdict_vs_total(cells, iv(total), strict_below=True)
            word = {"pass": "matching", "fail": "not matching"}.get(verdict, "short of")
            out.append(Check("partition_sum", "partition_table_total", [*cells, total], verdict, _point(cells),
                             f"sum of the parts' rounding intervals: {interval_text(s)}",
                             f"Table column: {listed} = {fmt(_point(cells))}, {word} the total row {q(total)}.",
                             stated=total["value"], computed_iv=s))
        elif unit == "percent":
            s = _sum(cells)
            if s[0] <= 100 <= s[1]:
                verdict = "pass"
            elif s[0] > 100 and exhaustive:
                verdict = "fail"
            else:
                verdict = "unverifiable"
            word = {"pass": "which is 100% within rounding", "fail": "more than 100% although the rows cover every category",
                    "unverifiable": "not 100%, but the rows need not be one population's categories"}[verdict]
            out.append(Check("partition_sum", "partition_table_percent", cells, verdict, _point(cells),
                             f"sum of the parts' rounding intervals: {interval_text(s, 'percent')} vs 100",
                             f"Table column of shares: {listed} = {fmt(_point(cells))}%, {word}.", stated=100.0, computed_iv=s))
    return out


def _column(body_rows, total_row, col, ncols):
    if len(ncols) == 1 and (total_row is None or len(total_row[1]) == next(iter(ncols))):
        cells = [r[1][col] for r in body_rows if col < len(r[1])]
        if len(cells) != len(body_rows):
            return None
        total = total_row[1][col] if total_row is not None and col < len(total_row[1]) else None
        return cells, total
    if total_row is None or col >= len(total_row[1]):
        return None
    # Ragged rows: align cells by their right edge within the line (space-aligned columns).
    ref = total_row[1][col]
    edge = ref["end"] - total_row[2]
    cells = []
    for label, figs, line_start in body_rows:
        hit = [f for f in figs if abs((f["end"] - line_start) - edge) <= ROW_ALIGN_CHARS]
        if len(hit) != 1:
            return None
        cells.append(hit[0])
    return cells, ref


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
