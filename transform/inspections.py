"""Ofsted inspection reports: one `inspections` row per report and the judgement of each area.

Rules are data (reference/inspection_rules.yaml), matched on the stored text, since the line ends
of a judgement table matter:
- the report's framework: the framework rule matching earliest in its head (the title; priority
  breaks ties);
  an ILACS report is `ilacs_short` when its fieldwork lasts at most `short_max_days`, and
  `ilacs_post_2026` when its judgement table has no overall effectiveness grade;
- dates, publication date and lead inspector: the best field rule's first match in the head (the
  lead inspector: in the whole report, since SIF reports name the team at the end); span = evidence;
  a report that prints no publication date takes it from a file name ending in an ISO date
  (`publication_source` 'file_name', no span);
- its council: the council named nearest the title (in it or after it before the dates, else the
  nearest before it), else the council the report names most often;
- judgements: a grade word right after an area's label. The first judgement of an area is the
  report's (`judgement_source` 'table'); later ones restate it ('restated': the body's section
  headings), for the check that the two agree; those listed in the report's account of the previous
  inspection, or told in prose ('when it was judged good in all areas'), are that inspection's
  ('previous', no inspection_id).
Judgement rows become `ratings` rows (:func:`merge_judgements`) with `judgement_area` and
`inspection_id`; a generic rating row whose rating word lies inside a judgement is replaced by it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl

from transform.authorities import gazetteer, name_key
from transform.reference_data import load_yaml
from transform.rules import Rule
from transform.scan import scan
from transform.shadow import to_original

INSPECTION_COLUMNS = [
    "inspection_id", "doc_id", "authority", "gss_code", "framework", "inspection_start", "inspection_end",
    "publication_date", "lead_inspector", "report_type", "inspection_type", "publication_source", "start", "end", "text", "rule_id",
    "authority_start", "authority_end", "dates_start", "dates_end", "publication_start", "publication_end",
    "lead_inspector_start", "lead_inspector_end", "n_judgements",
]
JUDGEMENT_COLUMNS = [
    "rating_id", "doc_id", "start", "end", "text", "authority", "gss_code", "rating", "when", "rule_id",
    "judgement_area", "inspection_id", "judgement_source", "judgement_label", "word_start", "word_end",
]
ILACS = ("ilacs_standard", "ilacs_short", "ilacs_post_2026")
_MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The inspection rule file."""
    return load_yaml("inspection_rules.yaml")


@lru_cache(maxsize=None)
def rules(section: str) -> tuple[Rule, ...]:
    """The rules of one section of the rule file: frameworks, fields or judgements."""
    return tuple(Rule.model_validate({**r, "table": "inspections"}) for r in reference()[section])


def _attr(section: str, name: str) -> pl.Expr:
    """The attribute `name` of each row's rule (by rule_id)."""
    mapping = {r.id: r.attrs.get(name) for r in rules(section)}
    return pl.col("rule_id").replace_strict(mapping, default=None, return_dtype=pl.String)


def _texts(documents: pl.DataFrame, chars: int | None = None) -> pl.DataFrame:
    ok = documents.filter(pl.col("status") == "ok") if "status" in documents.columns else documents
    text = pl.col("text") if chars is None else pl.col("text").str.slice(0, chars)
    return ok.select("doc_id", text.alias("shadow"))


def _first(found: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """The best match per key: highest priority, then earliest."""
    return found.sort(["priority", "s"], descending=[True, False]).unique(by, keep="first", maintain_order=True)


def _date(day: str, month: str, year: str) -> pl.Expr:
    m = pl.col(month).str.to_lowercase().str.slice(0, 3).replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
    return pl.date(pl.col(year).cast(pl.Int32, strict=False), m, pl.col(day).cast(pl.Int32, strict=False))


def _fields(documents: pl.DataFrame) -> pl.DataFrame:
    """Per document: inspection dates, publication date and lead inspector with their evidence spans."""
    head = [r for r in rules("fields") if r.attrs.get("scope") != "document"]
    whole = [r for r in rules("fields") if r.attrs.get("scope") == "document"]
    found = pl.concat(
        [scan(_texts(documents, reference()["head_chars"]), head), scan(_texts(documents), whole)], how="diagonal_relaxed"
    )
    for g in ("d1", "m1", "y1", "d2", "m2", "y2"):
        if g not in found.columns:
            found = found.with_columns(pl.lit(None, pl.String).alias(g))
    found = found.with_columns(field=_attr("fields", "field")).filter(pl.col("field") != "title_line")
    found = _first(found, ["doc_id", "field"])
    end = _date("d2", "m2", "y2")
    start_year = pl.col("y1").fill_null(pl.col("y2"))
    start = pl.date(
        start_year.cast(pl.Int32, strict=False),
        pl.col("m1").fill_null(pl.col("m2")).str.to_lowercase().str.slice(0, 3).replace_strict(_MONTHS, default=None, return_dtype=pl.Int32),
        pl.col("d1").fill_null(pl.col("d2")).cast(pl.Int32, strict=False),
    )
    # '15 December to 8 January 2021': a start after the end without its own year lies in the year before
    start = pl.when(pl.col("y1").is_null() & (start > end)).then(start.dt.offset_by("-1y")).otherwise(start)
    found = found.with_columns(_start=start, _end=end)
    dates = found.filter(pl.col("field") == "dates").select(
        "doc_id", inspection_start=pl.col("_start"), inspection_end=pl.col("_end"), dates_start="s", dates_end="e", when="match"
    )
    published = found.filter(pl.col("field") == "published").select(
        "doc_id", publication_date=pl.col("_end"), publication_start="s", publication_end="e"
    )
    lead = found.filter(pl.col("field") == "lead_inspector").select(
        "doc_id", lead_inspector=pl.col("match").str.replace_all(r"\s+", " "), lead_inspector_start="s", lead_inspector_end="e"
    )
    return dates.join(published, on="doc_id", how="full", coalesce=True).join(lead, on="doc_id", how="full", coalesce=True)


def _title_lines(documents: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Lines of the title block that are exactly a council's name (a bare 'Brent' above the title)."""
    title_rules = [r for r in rules("fields") if r.attrs.get("field") == "title_line"]
    lines = scan(_texts(documents, reference()["head_chars"]), title_rules)
    gaz = gazetteer().select("key", "canonical", "gss_code").unique("key")
    return (
        lines.with_columns(key=name_key(pl.col("match")))
        .join(gaz, on="key", how="inner")
        .select("doc_id", "canonical", "gss_code", a_start="s", a_end="e")
    )


def _council(reports: pl.DataFrame, authorities: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The council of each report: the one named nearest its title (a mention, or a line that is only a
    council's name), else the one it names most often."""
    named = pl.concat(
        [authorities.select("doc_id", "canonical", "gss_code", a_start="start", a_end="end"), _title_lines(documents, reports)]
    )
    a = named.join(
        reports.select("doc_id", "_title_end", _title_start="start"), on="doc_id", how="inner"
    )
    # the council nearest the title: named in it or after it (before the dates), else the nearest before
    # it (a letter's or a cover's address block may name another place first: Ofsted's own office)
    after = pl.col("a_start") >= pl.col("_title_start")
    titled = (
        a.filter(pl.col("a_start") < pl.col("_title_end"))
        .with_columns(_rank=pl.when(after).then(pl.col("a_start")).otherwise(-pl.col("a_start") + (1 << 40)))
        .sort("doc_id", "_rank")
        .unique("doc_id", keep="first", maintain_order=True)
        .drop("_rank")
    )
    counts = a.group_by("doc_id", "canonical", "gss_code").agg(n=pl.len(), a_start=pl.col("a_start").min(), a_end=pl.col("a_end").min())
    most = counts.sort(["n", "a_start"], descending=[True, False]).unique("doc_id", keep="first", maintain_order=True)
    chosen = pl.concat([titled.select("doc_id", "canonical", "gss_code", "a_start", "a_end"), most.select("doc_id", "canonical", "gss_code", "a_start", "a_end")])
    return chosen.unique("doc_id", keep="first", maintain_order=True).rename(
        {"canonical": "authority", "a_start": "authority_start", "a_end": "authority_end"}
    )


def _judgements(documents: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Every judgement line of the reports: area, rating, label-and-grade span, grade-word span."""
    texts = _texts(documents).join(reports.select("doc_id"), on="doc_id", how="semi")
    found = scan(texts, rules("judgements"), match_start=True)
    if "label" not in found.columns:
        found = found.with_columns(pl.lit(None, pl.String).alias("label"))
    ref = reference()
    by_label = pl.lit("other")
    for item in reversed(ref["label_areas"]):
        by_label = pl.when(pl.col("label").str.contains(item["pattern"])).then(pl.lit(item["area"])).otherwise(by_label)
    area = _attr("judgements", "area")
    found = found.with_columns(
        judgement_area=pl.when(area == "by_label").then(by_label).otherwise(area),
        rating=pl.col("match").str.to_lowercase().str.replace_all(r"\s+", " ").replace_strict(ref["grades"], default=None, return_dtype=pl.String),
        judgement_label=pl.col("label").str.replace_all(r"\s+", " ").str.strip_chars().fill_null(_attr("judgements", "label")),
    ).filter(pl.col("rating").is_not_null())
    return found


def extract_inspections(documents: pl.DataFrame, authorities: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The inspections table and the judgements of the documents that are inspection reports.

    `documents`: doc_id, text (status); `authorities`: the authority_mentions table (original
    offsets). Returns (inspections, judgements); judgements have the ratings columns plus
    judgement_area, inspection_id, judgement_source, judgement_label.
    """
    ref = reference()
    kinds = scan(_texts(documents, ref["head_chars"]), rules("frameworks"))
    kinds = kinds.sort(["s", "priority"], descending=[False, True]).unique("doc_id", keep="first", maintain_order=True)
    kinds = kinds.with_columns(
        framework=_attr("frameworks", "framework"),
        report_type=_attr("frameworks", "report_type"),
        overall_area=_attr("frameworks", "overall_area"),
    )
    if kinds.is_empty():
        return _empty_inspections(), _empty_judgements()
    reports = kinds.select(
        "doc_id", "framework", "report_type", "overall_area", "rule_id", start="s", end="e", text=pl.col("match")
    ).join(_fields(documents), on="doc_id", how="left")
    reports = reports.with_columns(
        inspection_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-I"),
        _title_end=pl.max_horizontal(pl.col("end"), pl.col("dates_start").fill_null(0)) + 1,
    )
    reports = reports.join(_council(reports, authorities, documents), on="doc_id", how="left")
    if "source_name" in documents.columns:
        named = documents.select(
            "doc_id", _file_date=pl.col("source_name").str.extract(ref["file_name_date"], 1).str.to_date("%Y-%m-%d", strict=False)
        )
    else:
        named = documents.select("doc_id", _file_date=pl.lit(None, pl.Date))
    reports = reports.join(named, on="doc_id", how="left").with_columns(
        publication_source=pl.when(pl.col("publication_date").is_not_null())
        .then(pl.lit("text"))
        .when(pl.col("_file_date").is_not_null())
        .then(pl.lit("file_name")),
        publication_date=pl.coalesce("publication_date", "_file_date"),
    )
    found = _judgements(documents, reports)
    j = found.join(
        reports.select("doc_id", "inspection_id", "authority", "gss_code", "when", "overall_area"), on="doc_id", how="inner"
    ).sort("doc_id", "s")
    # a 2009–13 report's overall effectiveness is of its safeguarding or looked-after services
    j = j.with_columns(
        judgement_area=pl.when((pl.col("judgement_area") == "overall_effectiveness") & pl.col("overall_area").is_not_null())
        .then(pl.col("overall_area"))
        .otherwise(pl.col("judgement_area"))
    )
    # judgements listed in the account of the previous inspection are that inspection's
    texts_all = _texts(documents).rename({"shadow": "_doc"})
    window_from = (pl.col("s") - ref["previous_window"]).clip(0)
    j = (
        j.join(texts_all, on="doc_id", how="left")
        .with_columns(
            _previous=pl.col("_doc")
            .str.slice(window_from, pl.col("s") - window_from)
            .str.contains("(?:" + ref["previous_cue"] + r")[^\n]*(?:\n[^\S\n]*\S[^\n]*)*$")
            | (_attr("judgements", "source") == "previous").fill_null(False)
        )
        .drop("_doc")
    )
    # an 'other' area is told apart by its label
    key = pl.when(pl.col("judgement_area") == "other").then(pl.col("judgement_label").str.to_lowercase()).otherwise(pl.lit(""))
    first = pl.col("s") == pl.when(~pl.col("_previous")).then(pl.col("s")).min().over("doc_id", "judgement_area", key)
    j = j.with_columns(
        judgement_source=pl.when(pl.col("_previous"))
        .then(pl.lit("previous"))
        .when(first)
        .then(pl.lit("table"))
        .otherwise(pl.lit("restated")),
        inspection_id=pl.when(pl.col("_previous")).then(pl.lit(None, pl.String)).otherwise(pl.col("inspection_id")),
        when=pl.when(pl.col("_previous")).then(pl.lit(None, pl.String)).otherwise(pl.col("when")),
    ).drop("_previous")
    judgements = (
        j.join(texts_all, on="doc_id", how="left")
        # the whole match (label and grade) is the evidence, from the label's first character
        .with_columns(
            start=pl.col("ms") + pl.col("_doc").str.slice(pl.col("ms"), pl.col("s") - pl.col("ms")).str.len_chars()
            - pl.col("_doc").str.slice(pl.col("ms"), pl.col("s") - pl.col("ms")).str.strip_chars_start().str.len_chars(),
            end=pl.col("e"),
            word_start="s",
            word_end="e",
        )
        .with_columns(text=pl.col("_doc").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .with_columns(
            rating_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-J") + pl.col("word_start").cast(pl.String).str.zfill(7),
        )
        .select(JUDGEMENT_COLUMNS)
    )
    table = judgements.filter(pl.col("judgement_source") == "table")
    has_overall = table.filter(pl.col("judgement_area") == "overall_effectiveness").select("doc_id").unique()
    counts = table.group_by("doc_id").agg(n_judgements=pl.len())
    days = (pl.col("inspection_end") - pl.col("inspection_start")).dt.total_days()
    is_ilacs = pl.col("framework").is_in(ILACS)
    reports = (
        reports.join(counts, on="doc_id", how="left")
        .join(has_overall.with_columns(_overall=pl.lit(True)), on="doc_id", how="left")
        .with_columns(n_judgements=pl.col("n_judgements").fill_null(0).cast(pl.Int64))
        .with_columns(
            inspection_type=pl.when(is_ilacs & days.is_not_null())
            .then(pl.when(days <= ref["short_max_days"]).then(pl.lit("short")).otherwise(pl.lit("standard")))
            .otherwise(pl.lit(None, pl.String)),
        )
        .with_columns(
            framework=pl.when(is_ilacs & pl.col("_overall").is_null() & (pl.col("n_judgements") > 0))
            .then(pl.lit("ilacs_post_2026"))
            .when(is_ilacs & (pl.col("inspection_type") == "short"))
            .then(pl.lit("ilacs_short"))
            .otherwise(pl.col("framework")),
        )
    )
    inspections = reports.with_columns(
        *[pl.col(c).cast(pl.Int64) for c in INSPECTION_COLUMNS if c.endswith(("_start", "_end")) and c not in ("inspection_start", "inspection_end")]
    ).select(INSPECTION_COLUMNS).sort("doc_id")
    return inspections, judgements.sort("doc_id", "start")


def _empty_inspections() -> pl.DataFrame:
    dates = ("inspection_start", "inspection_end", "publication_date")
    ints = ("start", "end", "n_judgements")
    schema = {
        c: pl.Date if c in dates else pl.Int64 if c in ints or c.endswith(("_start", "_end")) else pl.String
        for c in INSPECTION_COLUMNS
    }
    return pl.DataFrame(schema=schema)


def _empty_judgements() -> pl.DataFrame:
    ints = ("start", "end", "word_start", "word_end")
    return pl.DataFrame(schema={c: pl.Int64 if c in ints else pl.String for c in JUDGEMENT_COLUMNS})


def merge_judgements(ratings: pl.DataFrame, judgements: pl.DataFrame, sentences: pl.DataFrame, breaks: pl.DataFrame) -> pl.DataFrame:
    """Ratings with the judgements of inspection reports.

    `ratings` are the generic ratings with their rating word in shadow offsets `s`/`e`. A generic
    rating whose rating word lies inside a judgement's span is replaced by the judgement row, which
    carries judgement_area, inspection_id, judgement_source and judgement_label; other ratings keep
    them null.
    """
    extra = {c: pl.lit(None, pl.String) for c in ("judgement_area", "inspection_id", "judgement_source", "judgement_label")}
    if judgements.is_empty():
        return ratings.with_columns(**extra)
    words = to_original(ratings.select("rating_id", "doc_id", "s", "e"), breaks).select(
        "rating_id", "doc_id", word_start="start", word_end="end"
    )
    pairs = words.join(judgements.select("doc_id", j_s="start", j_e="end"), on="doc_id", how="inner")
    covered = pairs.filter((pl.col("word_start") < pl.col("j_e")) & (pl.col("word_end") > pl.col("j_s"))).select("rating_id").unique()
    kept = ratings.join(covered, on="rating_id", how="anti").with_columns(**extra)
    sents = sentences.select("doc_id", "sentence_id", _ss="start").sort("_ss")
    j = (
        judgements.sort("word_start")
        .join_asof(sents, left_on="word_start", right_on="_ss", by="doc_id", strategy="backward", check_sortedness=False)
        .drop("_ss", "word_start", "word_end")
    )
    return pl.concat([kept, j], how="diagonal_relaxed").sort("doc_id", "start", "rating_id")
