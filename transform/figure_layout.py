"""Table layout of figures: the original text's lines, which the shadow flattens.

`layout` drops list, section and footnote numbering at the start of a line, numbers run
together as items, the page numbers of a contents list, centred page footers, running headers and values glued to labels off a flattened chart line; gives the bare numbers of table rows the unit their heading declares (a
unit for the whole table, units per column for '|' and wide-gap headings, units in order for
the last numbers of each row, or a unit in the row's label); marks table cells and the
column of targets; and reads a bracketed cell as an accounting negative. `table_roles` then
makes cell values levels (or targets), since prose cues read across flattened cells do not
apply.
"""

from __future__ import annotations

import polars as pl

from transform.figure_cues import TIME_UNITS, cues, rule_attr
from transform.numbers import digits_value, lookup
from transform.shadow import to_original


def _unit_token(text: pl.Expr, lay: dict) -> pl.Expr:
    """The unit a heading text declares, as a token: '£m' / '£bn' / ... (money and its scale), '/10,000' (a rate
    per population), '%' or 't:days' (a duration); null when it declares none."""
    money = _money_scale(text, lay)
    return pl.coalesce(
        pl.lit("£") + money.str.to_lowercase(),
        pl.lit("/") + text.str.extract(lay["rate_header"], 1),
        pl.when(text.str.contains(lay["percent_header"]) | text.str.contains(lay["percent_cell"])).then(pl.lit("%")),
        pl.lit("t:") + text.str.extract(lay["time_header"], 1).str.to_lowercase(),
    )


def _heading_cells(line: pl.Expr, lay: dict, strip: bool = True) -> pl.Expr:
    """The cells of a heading line, left to right: split at '|', or else at wide gaps (with `strip`, not at the
    line's own leading and trailing space; the unit columns keep them, as the row counts they are matched with do)."""
    gapped = line.str.strip_chars() if strip else line
    return pl.when(line.str.contains(r"\|")).then(line).otherwise(gapped.str.replace_all(lay["gap_split"], "|")).str.split("|")


def _money_scale(text: pl.Expr, lay: dict) -> pl.Expr:
    """The money scale a heading declares ('m', 'bn', '000s', ...), '£' for plain pounds ('(£/wk)'), or null."""
    return pl.coalesce(*[text.str.extract(lay["money_header"], k) for k in (1, 2, 3, 4)])


def _column_kinds(line: pl.Expr, lay: dict) -> pl.Expr:
    """For each column of a heading, counted from the right, what its cells are when its name says so: 'change'
    ('Change in fee (%)'), 'other' (a difference from a budget: 'Variance') or 'rank' ('Rank', '#'); else null."""
    cells = _heading_cells(line, lay)
    cell = pl.element()
    return cells.list.reverse().list.eval(
        pl.when(cell.str.contains(lay["rank_header"])).then(pl.lit("rank"))
        .when(cell.str.contains(lay["variance_header"])).then(pl.lit("other"))
        .when(cell.str.contains(lay["change_header"])).then(pl.lit("change"))
    )


def _column_units(line: pl.Expr, lay: dict) -> pl.Expr:
    """Units of a heading's columns counted from the right (index 0 = last column): its cells split at '|' or at
    wide gaps, each with the unit token it declares, or null."""
    cells = _heading_cells(line, lay, strip=False)
    # an empty heading cell holds the values of the named cell to its left ('| Highest (per 10,000) |     |')
    cell = pl.element()
    tokens = cells.list.eval(pl.when(cell.str.strip_chars() == "").then(_unit_token(cell.shift(1), lay)).otherwise(_unit_token(cell, lay)))
    return tokens.list.reverse()


def _ordered_units(line: pl.Expr, lay: dict) -> pl.Expr:
    """Units declared in a heading without cell separators, right to left ('... (£m) ... (%)' -> ['%', '£m']):
    they belong to the last numbers of each row, in order."""
    return line.str.extract_all(lay["unit_marker"]).list.reverse().list.eval(_unit_token(pl.element(), lay))


def _numbers_in(text: pl.Expr, lay: dict) -> pl.Expr:
    """How many whitespace-separated tokens of `text` are numbers."""
    return text.str.extract_all(r"\S+").list.eval(pl.element().str.contains(lay["numeric_token"])).list.sum()


def _lines(documents: pl.DataFrame) -> pl.DataFrame:
    """One row per line of each document's original text: doc_id, ln (line number), ls (start offset), line, and
    the layout flags of cues.yaml `layout` carried down the document (table heading unit, footnote block)."""
    lay = cues()["layout"]
    d = documents.filter(pl.col("status") == "ok").select("doc_id", pl.col("text").str.split("\n").alias("line"))
    d = d.explode("line").with_columns(_len=pl.col("line").str.len_chars() + 1)
    # a quoted CSV line ('"1.1","Contacts","42.6"') is a '|' table row: '","' becomes '"|"' (same length)
    d = d.with_columns(line=pl.when(pl.col("line").str.contains(lay["csv_line"])).then(pl.col("line").str.replace_all('","', '"|"', literal=True)).otherwise(pl.col("line")))
    d = d.with_columns(
        ls=(pl.col("_len").cum_sum() - pl.col("_len")).over("doc_id"),
        ln=pl.int_range(pl.len()).over("doc_id"),
    )
    line = pl.col("line")
    d = d.with_columns(
        _blank=line.str.contains(lay["blank_line"]),
        _rule=line.str.contains(lay["footnote_rule"]),
        _sentence=line.str.contains(lay["sentence_line"]) & ~line.str.contains(lay["table_caption"]),
        _cols=line.str.contains(lay["column_header"]),
        row=line.str.contains(lay["table_row"]) & ~line.str.contains(lay["section_lead"]),
        _money=_money_scale(line, lay),
        _rate=line.str.extract(lay["rate_header"], 1),
        _pct=line.str.contains(lay["percent_header"]),
        _target=line.str.extract(lay["target_column"], 1).str.count_matches(r"\|"),
        _gtarget=line.str.extract(lay["gap_target_column"], 1).str.count_matches(lay["gap_cell"]),
        _ucols=_column_units(line, lay),
        _ckinds=_column_kinds(line, lay),
        _uord=_ordered_units(line, lay),
        _numeric_cell=line.str.contains(lay["numeric_cell"]),
        _pct_note=line.str.contains(lay["percent_note"]),
        _head_key=pl.when(line.str.contains(lay["running_header"])).then(line.str.replace(lay["running_header_number"], "").str.strip_chars()),
    )
    # a running header repeated on two or more pages with its page number ('State of the Nation 2025      3')
    d = d.with_columns(running=pl.col("_head_key").is_not_null() & (pl.col("_head_key").count().over("doc_id", "_head_key") >= 2))
    blank, prose = pl.col("_blank"), pl.col("_blank") | pl.col("_sentence")
    grid = pl.col("_cols") & ~prose
    # (a '|' row with a number in a cell is data, whatever its label says: 'CP plans (rate per 10,000) | 84.3')
    header = ~prose & (~pl.col("row") | (grid & ~pl.col("_numeric_cell"))) & (
        pl.col("_money").is_not_null() | pl.col("_rate").is_not_null() | pl.col("_pct")
    )
    # a heading's unit holds for the lines after it until a blank line or a line of prose
    decl = pl.when(header).then(pl.concat_str(
        pl.col("_money").fill_null(""), pl.lit("|"), pl.col("_rate").fill_null(""), pl.lit("|"),
        pl.when(pl.col("_pct")).then(pl.lit("%")).otherwise(pl.lit("")),
    ))
    # a caption's unit ('Table 2: Forecast (£000s)') survives the blank line between it and its table
    after_caption = blank & header.shift(1).over("doc_id").fill_null(False)
    decl = decl.when(prose & ~after_caption).then(pl.lit(""))
    # the lines after a heading that lists its columns are its rows, up to a blank line or a line of prose
    in_grid = pl.when(grid).then(True).when(prose).then(False)
    # the column of targets counted from the right: '|' cells of a grid heading, or wide-gap cells of a heading row
    gap_head = pl.col("row") & ~prose & ~grid & pl.col("_gtarget").is_not_null()
    target_col = (
        pl.when(grid & pl.col("_target").is_not_null()).then(pl.col("_target"))
        .when(gap_head).then(pl.col("_gtarget"))
        .when(prose | (grid & ~pl.col("_numeric_cell"))).then(-1)
    )
    target_gap = pl.when(gap_head).then(True).when(prose | grid).then(False)
    # a heading of units per column: cells (at '|' or wide gaps) without a number in them, some declaring a unit;
    # or a heading that declares two or more units in a row, for the last numbers of each row
    no_units = pl.lit(None, dtype=pl.List(pl.String))
    cell_head = ~prose & (grid | pl.col("row")) & ~pl.col("_numeric_cell") & (pl.col("_ucols").list.drop_nulls().list.len() > 0)
    ord_head = ~prose & ~pl.col("row") & ~grid & (pl.col("_uord").list.drop_nulls().list.len() >= 2)
    cell_names = ~prose & (grid | pl.col("row")) & ~pl.col("_numeric_cell") & line.str.contains(r"[A-Za-z]")
    ckinds = pl.when(cell_names).then(pl.col("_ckinds")).when(prose).then(pl.lit(None, dtype=pl.List(pl.String)))
    ucols = pl.when(cell_head).then(pl.col("_ucols")).when(ord_head).then(pl.col("_uord")).when(prose).then(no_units)
    ukind = pl.when(cell_head).then(pl.lit("cell")).when(ord_head).then(pl.lit("num")).when(prose).then(pl.lit(""))
    title = pl.when(blank).then(pl.lit("")).when(~pl.col("row")).then(line)
    # a heading line about overspends anywhere in the block (since the last blank line) above the rows
    # (a blank line right after such a heading, 'The variance comprised:', does not end it)
    over_head = ~pl.col("row") & line.str.contains(lay["overspend_header"])
    over = pl.when(blank & ~over_head.shift(1).over("doc_id").fill_null(False)).then(False).when(over_head).then(True)
    zone = pl.when(pl.col("_rule")).then(True).when(blank).then(False)
    d = d.with_columns(
        _decl=decl.forward_fill().shift(1).over("doc_id"),
        _grid=in_grid.forward_fill().shift(1).over("doc_id").fill_null(False),
        _tcol=target_col.forward_fill().shift(1).over("doc_id"),
        _tgap=target_gap.forward_fill().shift(1).over("doc_id").fill_null(False),
        _uc=ucols.forward_fill().shift(1).over("doc_id"),
        _uk=ukind.forward_fill().shift(1).over("doc_id").fill_null(""),
        _ck=ckinds.forward_fill().shift(1).over("doc_id"),
        _title=title.forward_fill().over("doc_id"),
        _over=over.forward_fill().over("doc_id").fill_null(False),
        _zone=zone.forward_fill().over("doc_id").fill_null(False),
        _prev=line.shift(1).over("doc_id").fill_null(""),
    )
    # under a heading of ordered units, a line of two or more numbers is a row even with single spaces
    ord_row = (pl.col("_uk") == "num") & ~prose & (_numbers_in(line, lay) >= 2)
    d = d.with_columns(row=pl.col("row") | (pl.col("_grid") & ~prose) | ord_row)
    decl_now = pl.when(pl.col("row") & ~prose & (pl.col("_decl") != "")).then(pl.col("_decl"))
    return d.with_columns(
        tbl_pct_note=pl.col("_pct_note").cum_max().over("doc_id"),
        tbl_money=decl_now.str.extract(r"^([^|]+)\|", 1),
        tbl_den=decl_now.str.extract(r"^[^|]*\|([^|]+)\|", 1),
        tbl_pct=decl_now.str.ends_with("%").fill_null(False),
        tbl_tcol=pl.when(pl.col("row") & ~prose & (pl.col("_tcol") >= 0)).then(pl.col("_tcol")),
        tbl_tgap=pl.col("_tgap"),
        tbl_ucols=pl.when(pl.col("row") & ~prose & (pl.col("_uk") != "")).then(pl.col("_uc")),
        tbl_ukind=pl.when(pl.col("row") & ~prose).then(pl.col("_uk")).fill_null(""),
        tbl_ckinds=pl.when(pl.col("row") & ~prose).then(pl.col("_ck")),
        tbl_change=pl.col("_title").fill_null("").str.contains(lay["change_header"]),
        tbl_over=pl.col("_over"),
        prev_closed=pl.col("_prev").str.contains(lay["line_closed"]),
        prev_item=pl.col("_prev").str.contains(lay["item_line"]),
    ).select(
        "doc_id", "ls", "line", "row", "_zone", "tbl_money", "tbl_den", "tbl_pct", "tbl_tcol", "tbl_tgap", "tbl_ucols", "tbl_ukind",
        "tbl_ckinds", "tbl_change", "tbl_over", "prev_closed", "prev_item", "running", "tbl_pct_note",
    )


def layout(c: pl.DataFrame, documents: pl.DataFrame, breaks: pl.DataFrame) -> pl.DataFrame:
    """Line layout of the original text, which the shadow flattens: drop list, section and footnote numbering at
    the start of a line; give the bare numbers of table rows the unit their heading declares ('(£m)' -> GBP
    scaled by a million; 'per 10,000 children' -> a rate) and mark table cells (`tbl_cell`, `tbl_change`)."""
    lay = cues()["layout"]
    lines = _lines(documents)
    pos = to_original(c.select("doc_id", "s", "e"), breaks).select("doc_id", "s", "start", "end")
    pos = pos.sort("start").join_asof(
        lines.sort("ls"), left_on="start", right_on="ls", by="doc_id", strategy="backward", check_sortedness=False
    )
    col = pl.col("start") - pl.col("ls")
    pos = pos.with_columns(
        _cells=pl.col("line").str.strip_chars().str.count_matches(lay["gap_cell"]) + 1,
        _prefix=pl.col("line").str.slice(0, col),
        _suffix=pl.col("line").str.slice(col + pl.col("end") - pl.col("start")),
    )
    c = c.join(pos.drop("start", "end", "ls"), on=["doc_id", "s"], how="left")
    small = pl.col("match").str.contains(r"^\d{1,2}$")
    at_line_start = pl.col("_prefix").str.contains(lay["line_start"])
    dotted = pl.col("_suffix").str.contains(lay["dotted_after"])
    item = small & at_line_start & pl.col("_suffix").str.contains(lay["list_after"])
    # numbered paragraphs after headings: '2.' is numbering when '1.' also starts a line of the document
    # (read from the lines, since an exclusion may already have dropped the number before)
    items = (
        lines.select("doc_id", _n=pl.col("line").str.extract(lay["numbered_line"], 1).cast(pl.Int64, strict=False) + 1)
        .drop_nulls().unique()
    )
    c = c.join(items.with_columns(_seq=pl.lit(True)), left_on=["doc_id", pl.col("match").cast(pl.Int64, strict=False)],
               right_on=["doc_id", "_n"], how="left").with_columns(_seq=pl.col("_seq").fill_null(False))
    # ... and a number before a wide gap ('95         adoption orders granted') only when it is in such a sequence
    gapped = ~dotted & pl.col("_suffix").str.contains(lay["gap_item_after"])
    listed = item & (
        (~dotted & ~gapped) | (pl.col("match") == "1") | pl.col("_seq") | pl.col("prev_item")
        | (dotted & (pl.col("prev_closed") | pl.col("_suffix").str.contains(lay["heading_after"])))
    )
    footnote = small & pl.col("_zone") & pl.col("_prefix").str.contains(lay["footnote_before"]) & pl.col("_suffix").str.contains(
        lay["footnote_after"]
    )
    section = pl.col("match").str.contains(lay["section_number"]) & pl.col("_prefix").str.contains(lay["blank_line"]) & pl.col(
        "_suffix"
    ).str.contains(lay["section_after"])
    inline_item = small & pl.col("_prefix").str.contains(lay["inline_item_before"]) & pl.col("_suffix").str.contains(lay["inline_item_after"])
    page_ref = pl.col("match").str.contains(r"^\d{1,3}$") & pl.col("_suffix").str.contains(lay["blank_line"]) & (
        (pl.col("_prefix").str.contains(lay["leader_before"]) & pl.col("_prefix").str.contains(lay["contents_line"]))
        | pl.col("_prefix").str.contains(lay["page_footer_before"]) | pl.col("running")
    )
    glued = (rule_attr("glued") == "true") & ~pl.col("line").str.contains(lay["glued_line"])
    c = c.filter(~(listed | footnote | section | inline_item | page_ref | glued).fill_null(False))
    bare = pl.col("rule_id").is_in(["FIG-COUNT", "FIG-SIGNED", "FIG-GLUED-VALUE"]) & pl.col("scale").is_null()
    # a heading with units per column decides alone: the unit of the number's column (counted from the right)
    # a wide-gap row with fewer cells than its heading lacks the last ones ('England   83,630   23' under a heading
    # that ends with a judgement column): count its columns from the heading's left
    missing = (pl.coalesce(pl.col("tbl_ucols").list.len(), pl.col("tbl_ckinds").list.len()) - pl.col("_cells")).clip(0)
    column = (
        pl.when(pl.col("tbl_ukind") == "num").then(_numbers_in(pl.col("_suffix"), lay))
        .when(pl.col("_suffix").str.contains(r"\|")).then(pl.col("_suffix").str.count_matches(r"\|"))
        .otherwise(pl.col("_suffix").str.count_matches(lay["gap_cell"]) + missing.fill_null(0))
    )
    # a cell of a 'Rank' column is a position, not a figure
    c = c.with_columns(_ckind=pl.col("tbl_ckinds").list.get(column, null_on_oob=True))
    c = c.filter(~(bare & (pl.col("_ckind") == "rank")).fill_null(False))
    by_column = pl.col("tbl_ucols").is_not_null()
    token = pl.col("tbl_ucols").list.get(column, null_on_oob=True)
    c = c.with_columns(
        tbl_money=pl.when(by_column).then(token.str.extract(r"^£(.+)$", 1)).otherwise(pl.col("tbl_money")),
        tbl_den=pl.when(by_column).then(token.str.extract(r"^/(.+)$", 1)).otherwise(pl.col("tbl_den")),
        tbl_pct=pl.when(by_column).then(token == "%").otherwise(pl.col("tbl_pct")).fill_null(False),
    )
    # a row label declaring a unit ('Re-referrals (%)', 'Children in care per 10,000') makes its bare numbers so
    label_pct = pl.col("row") & pl.col("_prefix").str.contains(lay["percent_header"])
    label_den = pl.when(pl.col("row")).then(pl.col("_prefix").str.extract(lay["rate_header"], 1))
    c = c.with_columns(
        tbl_pct=pl.col("tbl_pct") | (label_pct & pl.col("tbl_money").is_null() & pl.col("tbl_den").is_null()).fill_null(False),
        tbl_den=pl.coalesce(pl.col("tbl_den"), pl.when(pl.col("tbl_money").is_null() & ~pl.col("tbl_pct")).then(label_den)),
    )
    # 'Values are % unless stated': a row whose label states no other unit holds percentages
    other_unit = pl.col("_prefix").str.contains(lay["count_label"]) | pl.col("_prefix").str.contains(lay["ratio_label"]) | (
        pl.col("_prefix").str.extract(lay["time_label"], 1).is_not_null()
    )
    by_note = pl.col("row") & pl.col("tbl_pct_note") & pl.col("tbl_money").is_null() & pl.col("tbl_den").is_null() & ~other_unit
    c = c.with_columns(tbl_pct=pl.col("tbl_pct") | by_note.fill_null(False))
    money = bare & pl.col("tbl_money").is_not_null()
    rate = bare & pl.col("tbl_den").is_not_null() & ~money
    pct = (bare & pl.col("tbl_pct") & ~money & ~rate).fill_null(False)
    per_worker = (bare & pl.col("row") & pl.col("_prefix").str.contains(lay["ratio_label"]) & ~money & ~rate & ~pct).fill_null(False)
    time_unit = pl.when(bare & pl.col("row") & ~money & ~rate & ~pct & ~per_worker).then(
        pl.coalesce(pl.when(by_column).then(token.str.extract(r"^t:(.+)$", 1)), pl.col("_prefix").str.extract(lay["time_label"], 1).str.to_lowercase())
    )
    # a cell's column counted from the right: the cells after it on its line
    cells_after = (
        pl.when(pl.col("tbl_tgap")).then(pl.col("_suffix").str.count_matches(lay["gap_cell"]))
        .when(pl.col("_suffix").str.contains(r"\|")).then(pl.col("_suffix").str.count_matches(r"\|"))
        .otherwise(pl.col("_suffix").str.count_matches(r"\S+"))
    )
    # a '|' cell that is a sentence ('| Costs rose from £21m to £29m, an increase of 35%. |') takes its roles from the
    # prose, not from the table (its units still come from the table)
    cell_text = pl.col("_prefix").str.extract(r"([^|]*)$", 1) + pl.col("_suffix").str.extract(r"^([^|]*)", 1)
    prose_cell = pl.col("line").str.contains(r"\|") & (cell_text.str.count_matches(r"[A-Za-z]+") >= lay["prose_cell_words"])
    # a row whose label names a saving ('Avoided placement costs   (1,590)') holds changes (decreases)
    saving_row = pl.col("row") & pl.col("_prefix").str.contains(lay["saving_label"])
    c = c.with_columns(_prose=prose_cell.fill_null(False))
    c = c.with_columns(tbl_saving=saving_row.fill_null(False) & ~pl.col("_prose"))
    c = c.with_columns(
        value=pl.when(money).then(pl.col("value") * lookup("tbl_money", "money_scales", default=1.0))
        .when(rate).then(pl.col("value") / digits_value("tbl_den")).otherwise(pl.col("value")),
        unit=pl.when(money).then(pl.lit("GBP")).when(rate | per_worker).then(pl.lit("ratio"))
        .when(pct).then(pl.lit("percent")).when(time_unit.is_not_null()).then(time_unit).otherwise(pl.col("unit")),
        per_pop=pl.col("per_pop") | rate,
        tbl_cell=(pl.col("row") & ~pl.col("_prose")).fill_null(False),
        tbl_change=(pl.col("tbl_change") | (pl.col("_ckind") == "change")).fill_null(False),
        tbl_over=(pl.col("tbl_over") | (pl.col("_ckind") == "other")).fill_null(False),
        tbl_target=(cells_after == pl.col("tbl_tcol")).fill_null(False),
    )
    # an amount in brackets as a whole table cell ('Legal costs   (£0.4m)') is negative, brackets included
    negative = (
        pl.col("row") & pl.col("sign").is_null() & pl.col("_prefix").str.contains(lay["bracket_open"])
        & pl.col("_suffix").str.contains(lay["bracket_close"])
    ).fill_null(False)
    c = c.with_columns(
        value=pl.when(negative).then(-pl.col("value")).otherwise(pl.col("value")),
        sign=pl.when(negative).then(pl.lit("-")).otherwise(pl.col("sign")),
        s=pl.when(negative).then(pl.col("s") - 1).otherwise(pl.col("s")),
        e=pl.when(negative).then(pl.col("e") + 1).otherwise(pl.col("e")),
    )
    return c.drop(
        "line", "_prefix", "_suffix", "_cells", "_ckind", "_prose", "tbl_ckinds", "_zone", "_seq", "row", "tbl_money", "tbl_den", "tbl_pct",
        "tbl_tcol", "tbl_tgap", "tbl_ucols", "tbl_ukind", "prev_closed", "prev_item", "running", "tbl_pct_note",
    )


def table_roles(c: pl.DataFrame) -> pl.DataFrame:
    """A number in a table row states a level (a signed one keeps its direction), unless its heading speaks of
    change; money under a heading about overspends compares spending with a budget (other); a row of savings
    holds decreases; prose cues read across flattened cells do not apply."""
    signed = pl.col("sign").is_not_null()
    # a role the rule itself sets ('18+ weeks' is a threshold), or a duration scoping its row label ('plans issued
    # within 20 weeks'), is not a cell value
    label = rule_attr("role").is_not_null() | (pl.col("unit").is_in(TIME_UNITS) & (pl.col("role") == "other"))
    cell = pl.col("tbl_cell") & ~(signed & pl.col("tbl_change")) & ~label
    saving = cell & pl.col("tbl_saving")
    return c.with_columns(
        role=pl.when(pl.col("tbl_target")).then(pl.lit("target"))
        .when(saving).then(pl.lit("change"))
        .when(cell & pl.col("tbl_over") & (pl.col("unit") == "GBP")).then(pl.lit("other"))
        .when(cell).then(pl.lit("level")).otherwise(pl.col("role")),
        direction=pl.when(saving).then(pl.lit("decrease")).when(cell & signed).then(pl.when(pl.col("value") < 0).then(pl.lit("decrease")).otherwise(pl.lit("increase")))
        .when(cell).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("direction")),
    )
