"""Relations a table states by its own structure: totals, sums of columns, changes, shares.

A PDF's text layer (or a '|' table) keeps a table as lines: a row label, then the row's cells.
:func:`table_rows` reads each line's trailing run of cells (numbers, bracketed numbers,
percentages, and the placeholders '-', '..', 'n/a' that keep a column's place); consecutive
rows with one number of cells make a block (label-only lines between them, such as a group
heading, are kept as group breaks). The block's arithmetic is then *discovered* rather than
assumed, and a relation is kept only when the table itself supports it:

- total rows: a row that is the sum of the rows above it (up to a group break or an earlier
  total), column by column; supported by a total label (cue ``total_row``) or by the sum
  holding in most columns;
- mean rows: a row that is the mean of the rows above (one of them possibly left out, as a
  statistical-neighbour average leaves out its own authority);
- row formulas: a column that is, row after row, the sum of other columns (a year of four
  quarters, boys + girls = all), the difference of two columns (a change column), the relative
  change between two, or the ratio of two as a percentage; supported when it holds in most rows;
- shares of the total row: a percentage column that is each row's count over the total row's
  count ("414 (59)" ... "TOTAL 697 (100)").

Because the support comes from the rows (or columns) where the arithmetic holds, one cell that
breaks it is a `fail` with strong binding, while arithmetic that holds only by chance in one
or two places is never proposed. Tolerance: each printed number is an interval of half a unit
of its last digit; a relation holds when the intervals meet (the policy of policy.py).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from transform.checks.common import Check
from transform.checks.policy import cue
from transform.checks.relation import Operand, Relation, to_check

CELL = re.compile(
    r"(?P<neg>[-−–])?\+?(?P<open>\()?[-−–]?£?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<pct>%)?(?P<close>\))?"
    r"|(?P<ph>(?<![\w])(?:-|–|—|\.\.|n/a|N/A|x|c|\*)(?![\w]))"
)
SEPARATORS = re.compile(r"^[\s|]*$")
MAX_GROUP_BREAK_LINES = 3
MIN_CELLS = 2
# A formula found in the rows must hold in at least SUPPORT_MIN places and SUPPORT_SHARE of
# those where it can be evaluated.
SUPPORT_MIN = 3
SUPPORT_SHARE = 0.7
MAX_COLUMNS = 24
MAX_TRANSPOSED_ROWS = 8


@dataclass
class Cell:
    start: int
    end: int
    value: float  # nan for a placeholder
    half: float
    bracket: bool = False
    percent: bool = False
    money: bool = False
    figure: dict | None = None


@dataclass
class Row:
    line_start: int
    label: str
    cells: list[Cell]


@dataclass
class Block:
    rows: list[Row]
    group_of: list[int]  # group index of each row (a label-only line between rows starts a group)
    header: str = ""
    ncols: int = 0
    # Rows of other widths were trimmed or left out: the columns may not line up.
    ragged: bool = False
    values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    halves: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


def _parse_cell(m: re.Match[str]) -> Cell:
    if m.group("ph"):
        return Cell(m.start(), m.end(), float("nan"), 0.0)
    digits = m.group("num").replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits) * (-1 if m.group("neg") else 1)
    return Cell(m.start(), m.end(), value, 0.5 * 10.0 ** -decimals, bool(m.group("open") and m.group("close")), bool(m.group("pct")),
                "£" in m.group())


def _trailing_cells(line: str, offset: int) -> tuple[str, list[Cell]]:
    """The label and the trailing run of cells of one line (cells separated by spaces or '|')."""
    cells: list[Cell] = []
    end = len(line.rstrip(" \t|"))
    matches = list(CELL.finditer(line, 0, end))
    k = len(matches) - 1
    pos = end
    while k >= 0:
        m = matches[k]
        if m.end() > pos or not SEPARATORS.match(line[m.end() : pos]) or (m.end() == pos and pos != end):
            break
        if m.start() > 0 and not (line[m.start() - 1] in " \t|"):
            break
        c = _parse_cell(m)
        c.start += offset
        c.end += offset
        cells.insert(0, c)
        pos = m.start()
        k -= 1
    # A row label that is itself numbers: an age band '10 - 15' or 'Under 1' before the cells.
    if len(cells) > 3 and not line[:pos].strip() and _is_range(cells[:3], line, offset):
        pos, cells = cells[3].start - offset, cells[3:]
    elif cells and LABEL_NUMBER_WORD.search(line[:pos]) and cells[0].half == 0.5 and not cells[0].percent:
        pos, cells = cells[1].start - offset if len(cells) > 1 else end, cells[1:]
    return line[:pos].strip(" \t|:"), cells


LABEL_NUMBER_WORD = re.compile(r"^\s*(?:under|over|aged?|below|above)\s*$", re.IGNORECASE)


def _is_range(first: list[Cell], line: str, offset: int) -> bool:
    """'10 - 15': two whole numbers joined by a dash."""
    a, dash, b = first
    return (np.isnan(dash.value) and line[dash.start - offset : dash.end - offset] in ("-", "–") and a.half == 0.5 and b.half == 0.5
            and a.value <= b.value)


def table_rows(text: str, figs: list[dict] | None = None) -> list[Row | None]:
    """One entry per line of `text`: a Row (label and trailing cells, when it has at least
    MIN_CELLS cells) or None (a line of prose, a heading, or a heading of years). With the
    document's figures (sorted by start), each cell carries its figure, and a cell the figure
    rules read as negative (an accounting '(380)') is negative."""
    out: list[Row | None] = []
    pos = 0
    starts = [f["start"] for f in figs] if figs else []
    stacked: tuple[int, Row] | None = None  # a label line, then its cells one per line (a table laid out vertically)
    for line in re.split(r"[\n\f]", text):
        label, cells = _trailing_cells(line, pos)
        for c in cells if figs else ():
            c.figure = _figure_at(figs, starts, c)  # type: ignore[arg-type]
            if c.figure is not None and c.figure["value"] < 0 < c.value:
                c.value = -c.value
        if stacked is not None and len(cells) == 1 and not label:
            stacked[1].cells += cells
            out.append(None)
        else:
            _close_stacked(out, stacked)
            stacked = (len(out), Row(pos, label, [])) if label and not cells and len(label) < 80 else None
            out.append(Row(pos, label, cells) if (len(cells) >= MIN_CELLS or _share_cell(cells, label)) and not _years(cells) else None)
        pos += len(line) + 1
    _close_stacked(out, stacked)
    return out


def _share_cell(cells: list[Cell], label: str = "") -> bool:
    """A row of one cell: a percentage ('Foster care   74%'), or a number after a short label
    with no sentence punctuation ('Surgical   40'), as in a one-column table."""
    if len(cells) != 1 or np.isnan(cells[0].value):
        return False
    return cells[0].percent or (0 < len(label) <= 60 and not re.search(r"[.,;:!?]", label))


def _close_stacked(out: list[Row | None], stacked: tuple[int, Row] | None) -> None:
    """Put a vertically laid-out row (a label line, then lines of its cells only) in place of its label line."""
    if stacked is None:
        return
    index, row = stacked
    if (len(row.cells) >= MIN_CELLS or _share_cell(row.cells, row.label)) and not _years(row.cells):
        out[index] = row


def _years(cells: list[Cell]) -> bool:
    """A row of column headings that are years ('2007 2008 ... 2016')."""
    years = [c for c in cells if c.half == 0.5 and 1950 <= c.value <= 2050 and not c.bracket and not c.percent]
    return len(years) >= 0.8 * len(cells)


def _header(text: str, first_line_start: int) -> str:
    """The few lines above a block (its column headings)."""
    return text[max(0, first_line_start - 400) : first_line_start]


CAPTION = re.compile(r"\s*(?:Figure|Table|Chart|Graph|Source|Note)s?\b", re.IGNORECASE)
CONTINUED = re.compile(r"(?:[,&/(\-–]|\b(?:and|or|of|the|in|for|with|to|by|from|on|at))\s*$", re.IGNORECASE)


def _label_fragment(line: str) -> bool:
    """A short line of words with no sentence punctuation: part of a row label or a group heading."""
    s = line.strip()
    return 0 < len(s) <= 40 and not re.search(r"[.;:!?]\s*$|[.;!?]\s", s)


def _group_heading(line: str, next_row: Row | None) -> bool:
    """Whether a label-only line between table rows heads a new group of rows ('Gender', 'Age
    group'): a short line of words, complete (no open bracket, no trailing 'and' or comma),
    right above a row whose label starts a new phrase; otherwise it is the first part of a row
    label wrapped over two lines."""
    s = line.strip()
    if not s or re.search(r"\d", s) or not re.search(r"[A-Za-z]", s) or s.count("(") != s.count(")"):
        return False
    if next_row is None or CONTINUED.search(s) or len(s.split()) > 6:
        return False
    return next_row.label[:1].isupper() or next_row.label[:1].isdigit()


FURNITURE_REPEATS = 3
PAGE_NUMBER_LINES = 8


def page_furniture(text: str, lines: list[str], rows: list[Row | None]) -> set[int]:
    """Indexes of the lines a page break puts between a table's rows (within PAGE_NUMBER_LINES of
    it): running headers and footers (a line repeated FURNITURE_REPEATS times or more, numbers
    aside, that is not a labelled table row: a telephone number is furniture, a row repeated in
    the appendix's copies of one table is not) and page numbers (a number alone on a line)."""
    keys = [re.sub(r"\d+", "#", line.strip()) for line in lines]
    counts: dict[str, int] = {}
    for k in keys:
        if len(k) > 3:
            counts[k] = counts.get(k, 0) + 1
    breaks, pos = [], 0
    for i, line in enumerate(lines):
        pos += len(line) + 1
        if pos - 1 < len(text) and text[pos - 1] == "\f":
            breaks.append(i)
    near_break = lambda i: any(-PAGE_NUMBER_LINES <= i - k <= PAGE_NUMBER_LINES for k in breaks)  # noqa: E731
    out = set()
    for i, line in enumerate(lines):
        if not near_break(i):
            continue
        row = rows[i]
        repeated = counts.get(keys[i], 0) >= FURNITURE_REPEATS and (row is None or not row.label)
        if repeated or (row is None and re.fullmatch(r"\s*\d{1,4}\s*", line)):
            out.add(i)
    return out


def blocks(text: str, rows: list[Row | None]) -> list[Block]:
    """Consecutive rows with one number of cells (within one); lines between them that head a
    group of rows start a group (`_group_heading`); more than MAX_GROUP_BREAK_LINES other lines
    end the block."""
    out: list[Block] = []
    cur: list[Row] = []
    groups: list[int] = []
    gap = 0
    group = 0
    lines_text = re.split(r"[\n\f]", text)
    furniture = page_furniture(text, lines_text, rows)

    def close() -> None:
        if len(cur) >= 2:
            b = _shaped(Block(list(cur), list(groups), _header(text, cur[0].line_start)))
            if len(b.rows) >= 2:
                out.append(b)

    for i, r in enumerate(rows):
        if i in furniture:
            continue  # a running header or footer (even one with numbers, such as a telephone number)
        if r is None:
            if cur and CAPTION.match(lines_text[i]):
                close()  # a caption ends one table (and heads the next)
                cur, groups, gap, group = [], [], 0, 0
            if cur:
                # a short fragment of a row label wrapped over several lines does not part the rows
                gap += not _label_fragment(lines_text[i])
                group += _group_heading(lines_text[i], rows[i + 1] if i + 1 < len(rows) else None)
                if gap > MAX_GROUP_BREAK_LINES:
                    close()
                    cur, groups, gap, group = [], [], 0, 0
            continue
        if cur and abs(len(r.cells) - len(cur[-1].cells)) > 1 and len(r.cells) != _mode([len(x.cells) for x in cur]):
            close()
            cur, groups, group = [], [], 0
        cur.append(r)
        groups.append(group)
        gap = 0
    close()
    return out


def _mode(xs: list[int]) -> int:
    return max(set(xs), key=lambda x: (xs.count(x), x))


def _shaped(b: Block) -> Block:
    """Fix the block's column count (the commonest row width; wider rows give their first cells
    to the label, narrower rows are left out of column arithmetic) and fill the value grid."""
    n = min(_mode([len(r.cells) for r in b.rows]), MAX_COLUMNS)
    kept, groups = [], []
    b.ragged = any(len(r.cells) != n for r in b.rows)
    for r, g in zip(b.rows, b.group_of):
        if len(r.cells) >= n:
            r.cells = r.cells[len(r.cells) - n :]
            kept.append(r)
            groups.append(g)
    b.rows, b.group_of, b.ncols = kept, groups, n
    b.values = np.array([[c.value for c in r.cells] for r in kept], dtype=float).reshape(len(kept), n)
    b.halves = np.array([[c.half for c in r.cells] for r in kept], dtype=float).reshape(len(kept), n)
    if n == 1 and _page_numbers(b.values[:, 0]):
        b.rows, b.group_of = [], []  # a contents list: headings and their page numbers
    return b


def _page_numbers(column: np.ndarray) -> bool:
    """Whole numbers that never decrease down the column: the page numbers of a contents list."""
    return len(column) >= 3 and bool(np.all(column == np.round(column))) and bool(np.all(np.diff(column) >= 0))


# --- arithmetic on interval grids -------------------------------------------------------------


def _meet(lo1, hi1, lo2, hi2) -> np.ndarray:
    eps = 1e-9 * np.maximum(1.0, np.maximum(np.abs(hi1), np.abs(hi2)))
    return (lo1 <= hi2 + eps) & (lo2 <= hi1 + eps)


@dataclass
class Found:
    """One relation instance in a block: its cells (with roles), form, whether it holds, and
    what supports it."""

    rule_id: str
    kind: str
    form: str
    cells: list[tuple[str, Cell]]
    holds: bool
    support: str
    computed: tuple[float, float]
    stated: tuple[float, float]
    # A break is a fail only when the structure is sure; otherwise it is unverifiable.
    strong: bool = True


def _column_totals(b: Block) -> list[Found]:
    """Rows that are the sum of the rows above them (from the group's first row or the last
    total), and groups below a labelled total row that break the same total down again."""
    out: list[Found] = []
    seg_start = 0
    for t in range(1, len(b.rows)):
        labelled = bool(cue("total_row").search(b.rows[t].label))
        first = max(seg_start, b.group_of.index(b.group_of[t]))
        found = _sum_rows(b, list(range(first, t)), t, labelled)
        if labelled:
            # A total row sums the rows just above it: every row since the last total (across group
            # headings), or fewer when the first rows count something else ('households' above
            # three rows of children and their total). The longest run that holds in the most columns.
            for start in range(seg_start, t - 1):
                other = _sum_rows(b, list(range(start, t)), t, labelled)
                if sum(f.holds for f in other) > sum(f.holds for f in found):
                    found = other
        if found:
            out += found
            seg_start = t + 1
        if labelled:
            for g in sorted(set(b.group_of[t + 1 :])):
                rows = [r for r in range(t + 1, len(b.rows)) if b.group_of[r] == g]
                out += _sum_rows(b, rows, t, False)
    return out


def _sum_rows(b: Block, parts: list[int], t: int, labelled: bool) -> list[Found]:
    """The column sums of rows `parts` against row `t`, when supported (module doc)."""
    if len(parts) < 2:
        return []
    v, h = b.values, b.halves
    pv, ph = v[parts], h[parts]
    ok_cols = ~np.isnan(v[t]) & ~np.isnan(pv).any(axis=0)
    if not labelled:
        # a row that sums the rows above only in its amounts: its percentages are rates of each row
        ok_cols &= np.array([not b.rows[t].cells[c].percent for c in range(b.ncols)])
    if not ok_cols.any():
        return []
    lo, hi = (pv - ph).sum(axis=0), (pv + ph).sum(axis=0)
    meet = _meet(lo, hi, v[t] - h[t], v[t] + h[t]) & ok_cols
    n_ok, n_eval = int(meet.sum()), int(ok_cols.sum())
    data = n_ok >= 2 and n_ok / n_eval >= SUPPORT_SHARE and _not_trivial(pv, meet)
    sure = n_ok >= SUPPORT_MIN and n_ok / n_eval >= 0.8
    # In a ragged table a total label alone does not say which cells line up.
    if not ((labelled and not b.ragged) or data):
        return []
    why = f"a total row ('{b.rows[t].label[:40]}')" if labelled else f"the sum holds in {n_ok} of {n_eval} columns"
    strong = (labelled and not b.ragged) or sure
    out = []
    for c in np.flatnonzero(ok_cols):
        cells = [("part", b.rows[p].cells[c]) for p in parts] + [("total", b.rows[t].cells[c])]
        out.append(Found("table_column_total", "partition_sum", "sum", cells, bool(meet[c]), why,
                         (float(lo[c]), float(hi[c])), (v[t][c] - h[t][c], v[t][c] + h[t][c]), strong))
    return out


def _not_trivial(parts: np.ndarray, meet: np.ndarray) -> bool:
    """Sums of parts that are all zero, or of one non-zero part, prove nothing."""
    nz = (np.abs(parts[:, meet]) > 0).sum(axis=0)
    return bool((nz >= 2).sum() >= 1)


def _mean_rows(b: Block) -> list[Found]:
    """Rows that are the mean of the rows above them (one row possibly left out)."""
    out: list[Found] = []
    v, h = b.values, b.halves
    for t in range(2, len(b.rows)):
        best = None
        for skip in [None, *range(t)]:
            parts = [p for p in range(t) if p != skip]
            if len(parts) < 2:
                continue
            pv = v[parts]
            cnt = (~np.isnan(pv)).sum(axis=0)
            ok_cols = ~np.isnan(v[t]) & (cnt >= 2)
            if ok_cols.sum() < SUPPORT_MIN:
                continue
            s_lo = np.nansum(pv - h[parts], axis=0) / np.maximum(cnt, 1)
            s_hi = np.nansum(pv + h[parts], axis=0) / np.maximum(cnt, 1)
            meet = _meet(s_lo, s_hi, v[t] - h[t], v[t] + h[t]) & ok_cols
            n_ok, n_eval = int(meet.sum()), int(ok_cols.sum())
            if n_ok >= SUPPORT_MIN and n_ok / n_eval >= SUPPORT_SHARE and (best is None or n_ok > best[0]):
                best = (n_ok, n_eval, parts, ok_cols, meet, s_lo, s_hi)
        if best is None:
            continue
        n_ok, n_eval, parts, ok_cols, meet, s_lo, s_hi = best
        if n_ok < n_eval * 0.9 and not cue("mean_row").search(b.rows[t].label):
            continue
        for c in np.flatnonzero(ok_cols):
            cells = [("part", b.rows[p].cells[c]) for p in parts if not np.isnan(v[p][c])] + [("mean", b.rows[t].cells[c])]
            out.append(Found("table_mean_row", "partition_sum", "mean", cells, bool(meet[c]),
                             f"the mean holds in {n_ok} of {n_eval} columns", (float(s_lo[c]), float(s_hi[c])),
                             (v[t][c] - h[t][c], v[t][c] + h[t][c])))
    return out


def _row_formulas(b: Block, transposed: bool = False) -> list[Found]:
    """Columns that are a formula of other columns in most rows (module doc); `transposed`: rows
    that are a formula of other rows in most columns ('Benefits - Costs' under 'Benefits' and
    'Costs', a year in each column)."""
    v, h = (b.values.T, b.halves.T) if transposed else (b.values, b.halves)
    cell = (lambda r, c: b.rows[c].cells[r]) if transposed else (lambda r, c: b.rows[r].cells[c])
    n_rows, n = v.shape
    if n < 3 or n_rows < SUPPORT_MIN or n > (MAX_TRANSPOSED_ROWS if transposed else MAX_COLUMNS):
        return []
    # Rows that are formulas of rows belong to short summaries ('Costs', 'Benefits', 'Benefits - Costs'):
    # among many rows of small numbers a formula holds by chance too often.
    support = SUPPORT_MIN + 1 if transposed else SUPPORT_MIN
    lo, hi = v - h, v + h
    out: list[Found] = []
    taken: set[int] = set()
    forms = []
    for k in range(n):
        for i, j in itertools.permutations([c for c in range(n) if c != k], 2):
            if i < j:
                forms.append(("table_row_sum", "partition_sum", "sum", k, (i, j)))
            forms.append(("table_row_difference", "change_consistency", "difference", k, (i, j)))
            forms.append(("table_row_relative_change", "change_consistency", "relative_change", k, (i, j)))
            forms.append(("table_row_share", "derived_ratio", "share", k, (i, j)))
        for i in range(n):
            for j in range(i + 2, n):
                if not i <= k <= j:
                    forms.append(("table_row_sum", "partition_sum", "sum", k, tuple(range(i, j + 1))))
    best: dict[int, tuple] = {}
    for rule, kind, form, k, ops in forms:
        clo, chi = _formula(form, lo, hi, ops)
        if clo is None:
            continue
        ok = ~np.isnan(v[:, k]) & ~np.isnan(clo) & ~np.isnan(chi)
        if ok.sum() < support:
            continue
        meet = _meet(clo, chi, lo[:, k], hi[:, k]) & ok
        n_ok, n_eval = int(meet.sum()), int(ok.sum())
        if n_ok < support or n_ok / n_eval < (0.8 if transposed else SUPPORT_SHARE):
            continue
        informative = (np.abs(v[:, k]) >= 10) | (h[:, k] < 0.5)  # not a small whole number
        shares_of_100 = form == "sum" and bool(np.allclose(v[meet, k], 100.0))  # a 'Total 100%' column
        if (meet & informative).sum() < support or (len(set(np.round(v[meet, k], 6))) < 2 and not shares_of_100):
            continue  # small whole numbers (or one repeated value) fit too many formulas by chance
        score = (n_ok, n_ok / n_eval, -len(ops))
        if k not in best or score > best[k][0]:
            best[k] = (score, rule, kind, form, ops, clo, chi, ok, meet)
    seen_sets: set[frozenset[int]] = set()
    where = "columns" if transposed else "rows"
    for k, (score, rule, kind, form, ops, clo, chi, ok, meet) in sorted(best.items(), key=lambda kv: -kv[0]):
        # 'a, b, a-b' and 'a, b, a+b' read the same three columns: one relation, the rightmost column its result.
        cols = frozenset((*ops, k))
        if k in taken or cols in seen_sets:
            continue
        taken.add(k)
        seen_sets.add(cols)
        roles = _roles(form, len(ops))
        why = f"the formula holds in {score[0]} of {int(ok.sum())} {where}"
        # A row of percentages (or of plain numbers) among rows of amounts in pounds (a 'benefit /
        # cost' row, a price index under costs and benefits) is another kind of row: the amounts'
        # formula says nothing about it.
        kind_of = {r: tuple(all(getattr(cell(r, c), a) for c in (*ops, k)) for a in ("percent", "money")) for r in np.flatnonzero(ok)}
        held = [kind_of[r] for r in np.flatnonzero(meet)]
        usual = max(set(held), key=held.count)
        for r in np.flatnonzero(ok):
            if kind_of[r] != usual:
                continue
            cells = [(role, cell(r, c)) for role, c in zip(roles, ops)] + [(_target_role(form), cell(r, k))]
            out.append(Found(rule, kind, form, cells, bool(meet[r]), why, (float(clo[r]), float(chi[r])), (lo[r, k], hi[r, k])))
    return out


def _roles(form: str, n_ops: int) -> list[str]:
    return {"sum": ["part"] * n_ops, "difference": ["from", "to"], "relative_change": ["from", "to"], "share": ["part", "whole"]}[form]


def _target_role(form: str) -> str:
    return {"sum": "total", "difference": "change", "relative_change": "change", "share": "share"}[form]


def _formula(form: str, lo: np.ndarray, hi: np.ndarray, ops: tuple[int, ...]):
    """The computed interval (per row) of a row formula over columns `ops`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if form == "sum":
            return lo[:, list(ops)].sum(axis=1), hi[:, list(ops)].sum(axis=1)
        i, j = ops
        if form == "difference":
            return lo[:, j] - hi[:, i], hi[:, j] - lo[:, i]
        if form in ("relative_change", "share"):
            num_lo, num_hi = (lo[:, i], hi[:, i]) if form == "share" else (lo[:, j], hi[:, j])
            den_lo, den_hi = (lo[:, j], hi[:, j]) if form == "share" else (lo[:, i], hi[:, i])
            pos = den_lo > 0
            q = np.stack([num_lo / den_lo, num_lo / den_hi, num_hi / den_lo, num_hi / den_hi])
            qlo, qhi = np.where(pos, q.min(axis=0), np.nan), np.where(pos, q.max(axis=0), np.nan)
            if form == "share":
                return qlo * 100, qhi * 100
            return (qlo - 1) * 100, (qhi - 1) * 100
    return None, None


def _total_shares(b: Block) -> list[Found]:
    """A percentage column that is each row's count over the total row's count ('414 (59)')."""
    out: list[Found] = []
    v, h = b.values, b.halves
    totals = [t for t in range(len(b.rows)) if cue("total_row").search(b.rows[t].label)]
    if not totals:
        return out
    t = totals[-1]
    n_rows, n = v.shape
    for k in range(1, n):
        if not all(r.cells[k].bracket or r.cells[k].percent for r in b.rows if not np.isnan(v[b.rows.index(r)][k])):
            continue
        i = k - 1
        whole = v[t, i]
        if not whole or np.isnan(whole):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = (v[:, i] - h[:, i]) / (whole + h[t, i]) * 100
            hi = (v[:, i] + h[:, i]) / (whole - h[t, i]) * 100
        rows = [r for r in range(n_rows) if r != t and not np.isnan(v[r, i]) and not np.isnan(v[r, k])]
        meet = {r: bool(_meet(lo[r], hi[r], v[r, k] - h[r, k], v[r, k] + h[r, k])) for r in rows}
        n_ok = sum(meet.values())
        if n_ok < SUPPORT_MIN or n_ok / max(len(rows), 1) < SUPPORT_SHARE:
            continue
        for r in rows:
            cells = [("part", b.rows[r].cells[i]), ("whole", b.rows[t].cells[i]), ("share", b.rows[r].cells[k])]
            out.append(Found("table_share_of_total", "derived_ratio", "share", cells, meet[r],
                             f"the share of the total row holds in {n_ok} of {len(rows)} rows", (float(lo[r]), float(hi[r])),
                             (v[r, k] - h[r, k], v[r, k] + h[r, k])))
    return out


def _share_columns(b: Block) -> list[Found]:
    """A column of percentages with no total row: the shares of one whole when they make 100
    within rounding, or when a row completes the categories ('Other'; cue ``exhaustive_row``),
    in which case more than 100 is a fail (less may leave a category out: unverifiable)."""
    if any(cue("total_row").search(r.label) for r in b.rows):
        return []
    exhaustive = any(cue("exhaustive_row").search(r.label) for r in b.rows)
    out = []
    for c in range(b.ncols):
        if not all(r.cells[c].percent for r in b.rows) or np.isnan(b.values[:, c]).any():
            continue
        lo, hi = float((b.values[:, c] - b.halves[:, c]).sum()), float((b.values[:, c] + b.halves[:, c]).sum())
        holds = lo <= 100 <= hi
        if not (holds or exhaustive):
            continue
        cells = [("part", r.cells[c]) for r in b.rows]
        out.append(Found("table_share_column", "partition_sum", "sum", cells, holds,
                         "a row completes the categories" if exhaustive else "the shares make 100", (lo, hi), (100.0, 100.0),
                         strong=exhaustive and lo > 100))
    return out


def block_relations(b: Block) -> list[Found]:
    """Every supported relation of one block, each set of cells once (the first reading found)."""
    out, seen = [], set()
    for f in _column_totals(b) + _mean_rows(b) + _row_formulas(b) + _row_formulas(b, transposed=True) + _total_shares(b) + _share_columns(b):
        key = frozenset(c.start for _, c in f.cells)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def document_tables(texts: dict[str, str], doc_figs: dict[str, list[dict]]) -> dict[str, list[Block]]:
    """The table blocks of each document, their cells carrying the document's figures."""
    out: dict[str, list[Block]] = {}
    for doc_id, figs in doc_figs.items():
        text = texts.get(doc_id, "")
        out[doc_id] = blocks(text, table_rows(text, sorted(figs, key=lambda f: f["start"])))
    return out


def table_checks(tables: dict[str, list[Block]]) -> list[Check]:
    """Checks of the relations the documents' tables state (module doc)."""
    out: list[Check] = []
    for doc_blocks in tables.values():
        for b in doc_blocks:
            for found in block_relations(b):
                if any(c.figure is None for _, c in found.cells):
                    continue
                check = to_check(_relation(found))
                if check is not None:
                    out.append(check)
    return out


LAYOUTS = ("cell", "lone", "furniture", "prose")
FURNITURE_CHARS = 120
# A web address or a journal citation ('63(6), 674-682'); a number starting a line that is a
# list or reference number ('17 Department of Health (2007) ...').
FURNITURE_TOKEN = re.compile(r"https?:|www\.|%2[0-9A-F]|\d\(\d+\),", re.IGNORECASE)
LIST_NUMBER = re.compile(r"\s*\d{1,3}\.?\s+[A-Z][A-Za-z]+[\s,]+(?:[A-Z][a-z]*|of|and|&)\b[^\n]*\(\d{4}\)")


def _token_around(text: str, start: int, end: int) -> str:
    """The run of non-space characters holding text[start:end]."""
    a = start
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def with_layout(prepared, figs: dict[str, dict], texts: dict[str, str], tables: dict[str, list[Block]]):
    """Add `layout` to the figure rows (and the frame): 'cell' for a table cell, 'lone' for a number
    alone on its line (a chart's axis tick or data label), 'furniture' for one next to a page
    break (a page number), in a web address or a citation, or numbering a reference list, and
    'cell' also for a figure on a '|' table line; else 'prose'. Furniture takes part in no check."""
    import polars as pl

    cells = {c.figure["figure_id"] for bl in tables.values() for b in bl for r in b.rows for c in r.cells if c.figure is not None}
    for f in figs.values():
        text = texts.get(f["doc_id"], "")
        a = max(text.rfind("\n", 0, f["start"]), text.rfind("\f", 0, f["start"])) + 1
        e = min((k for k in (text.find("\n", f["end"]), text.find("\f", f["end"])) if k >= 0), default=len(text))
        rest = text[a : f["start"]] + text[f["end"] : e]
        line = text[a:e]
        if FURNITURE_TOKEN.search(_token_around(text, f["start"], f["end"])) or LIST_NUMBER.match(text[a : f["end"] + 40]) and f["start"] - a < 3:
            f["layout"] = "furniture"  # a number in a web address or citation, or a list or reference number
        elif f["figure_id"] in cells or line.count("|") >= 3:
            f["layout"] = "cell"
        elif re.search(r"[A-Za-z]", rest):
            f["layout"] = "prose"
        else:  # alone on its line: next to a page break it is a page number or a running header's
            near = text[max(0, f["start"] - FURNITURE_CHARS) : f["end"] + FURNITURE_CHARS]
            f["layout"] = "furniture" if "\f" in near else "lone"
    ids = list(figs)
    return prepared.join(pl.DataFrame({"figure_id": ids, "layout": [figs[i]["layout"] for i in ids]}), on="figure_id", how="left")


def _figure_at(figs: list[dict], starts: list[int], c: Cell) -> dict | None:
    k = bisect.bisect_right(starts, c.end) - 1
    while k >= 0 and figs[k]["end"] > c.start:
        if figs[k]["start"] < c.end:
            return figs[k]
        k -= 1
    return None


def _relation(found: Found) -> Relation:
    """The relation a table states, its operands the cells' figures read at the cells' printed precision."""
    operands = [Operand(role, c.figure, (c.value - c.half, c.value + c.half), percent=True if role == "share" else None)
                for role, c in found.cells]  # type: ignore[arg-type]
    total = 100.0 if found.form == "sum" and found.cells[-1][0] == "part" else None
    return Relation(found.kind, found.rule_id, found.form, operands, found.strong, f"table: {found.support}", total_value=total)
