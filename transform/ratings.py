"""Ofsted ratings: a judgement word in rating context, attributed to a council.

Attribution, in order:
1. councils in the same sentence: the coordinated run of councils nearest before the rating
   word ('Kensington and Chelsea, and Westminster ... outstanding'), else the first run after
   it ('rated good: Leeds and Wigan'); a council named after the rating in a comparison
   ('with only Staffordshire placed higher') is not taken when one precedes it;
2. a group sentence ('all four councils were judged good') names its councils by a
   universal quantifier with a count: the N councils mentioned last before the sentence; a
   partial quantifier ('two of the councils') names no council and gives no row;
3. otherwise the sentence speaks of a council named before ('the council was then
   judged adequate', 'found us to be good'): the first council run of the nearest earlier sentence
   that names one (its council owning services, 'the Isle of Wight’s services', if any), within RECENT_CHARS (FIRST_PERSON_CHARS when the sentence says we/us/our,
   since an author's own council is named once at the head of its section); a sentence about
   'the county council' looks only at county councils, and one about 'the council' means the
   council named more often than any other in the RECENT_CHARS before it (a tie falls back to
   the nearest earlier sentence).
4. a judgement line of an inspection table ('Overall effectiveness  Good') with no council named
   near it judges the document's principal council (the one it names most often);
5. any other judgement still without a council judges the principal council of a document about one
   council (one with at least SINGLE_COUNCIL_SHARE of its council mentions).
A rating introduced by an intention ('the plan to reach a Good rating') is an
aim, not a judgement, and is dropped. A rating joined to the previous one by 'or' ('rated
Good or Outstanding') is a floor, not a second judgement: only the first is kept.
`when` is the period nearest to the rating word in the same sentence.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from transform.numbers import words_value
from transform.reference_data import load_yaml
from transform.rules import rules_for
from transform.scan import drop_overlaps, scan

RECENT_CHARS = 1200
# a document in which one council has at least this share of the council mentions is about that council
SINGLE_COUNCIL_SHARE = 0.5
FIRST_PERSON_CHARS = 6000
ASPIRATION_WINDOW = 40
COLUMNS = ["rating_id", "doc_id", "start", "end", "text", "authority", "gss_code", "rating", "when", "rule_id", "sentence_id"]


@lru_cache(maxsize=1)
def _ref() -> dict:
    return load_yaml("rating_rules.yaml")


def extract_ratings(
    shadow: pl.DataFrame,
    breaks: pl.DataFrame,
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    authorities: pl.DataFrame,
    periods: pl.DataFrame,
) -> pl.DataFrame:
    """The ratings table: one row per (judgement, council); span = the sentence."""
    c = _candidates(shadow, sentences)
    runs = council_runs(authorities, shadow)
    same = _same_sentence(c, runs)
    rest = c.join(same.select("doc_id", "s").unique(), on=["doc_id", "s"], how="anti")
    is_group = pl.col("sent_text").str.contains(_ref()["group_nouns"])
    grouped = _group_members(rest.filter(is_group), runs, shadow)
    earlier = _earlier_sentence(rest.filter(~is_group), runs)
    # an inspection's judgement line names no council: it judges the document's own (its principal council)
    document_rules = [r.id for r in rules_for("ratings") if r.attrs.get("document_council")]
    unnamed = rest.filter(~is_group).join(earlier.select("doc_id", "s").unique(), on=["doc_id", "s"], how="anti")
    headings = unnamed.filter(pl.col("rule_id").is_in(document_rules))
    # any other judgement with no council near it, in a document about one council ('since services were judged
    # inadequate' in its commentary), judges that council
    orphans = unnamed.filter(~pl.col("rule_id").is_in(document_rules))
    rated = pl.concat(
        [same, grouped, earlier, _document_council(headings, runs), _document_council(orphans, runs, SINGLE_COUNCIL_SHARE)],
        how="diagonal_relaxed",
    )
    when = _nearest_period(rated, periods)
    out = when.with_columns(
        start=pl.col("sent_start"),
        end=pl.col("sent_end"),
        text=pl.col("sent_text"),
        authority=pl.col("canonical"),
        rating_id=pl.col("doc_id").str.slice(0, 16)
        + pl.lit("-R")
        + pl.col("s").cast(pl.String).str.zfill(7)
        + pl.lit("-")
        + pl.col("gss_code").fill_null(pl.col("canonical")),
    )
    return out.select(*COLUMNS, "s", "e").unique("rating_id").sort("doc_id", "start", "rating_id")


def _candidates(shadow: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Rating words in rating context with their sentence; aims and 'or' floors removed."""
    ref = _ref()
    rules = rules_for("ratings")
    c = drop_overlaps(scan(shadow, rules))
    c = c.with_columns(
        rating=pl.col("rating").str.to_lowercase().str.replace_all(r"\s+", " ").replace_strict(ref["rating_words"], default=None)
    ).filter(pl.col("rating").is_not_null())
    sents = sentences.select(
        "doc_id", "sentence_id", pl.col("s").alias("ss"), pl.col("e").alias("se"),
        pl.col("start").alias("sent_start"), pl.col("end").alias("sent_end"), pl.col("text").alias("sent_text"),
    )
    c = c.sort("s").join_asof(sents.sort("ss"), left_on="s", right_on="ss", by="doc_id", strategy="backward", check_sortedness=False)
    needs_ctx = pl.col("rule_id").is_in([r.id for r in rules if r.attrs.get("needs_context")])
    c = c.filter(~needs_ctx | pl.col("sent_text").str.contains(ref["context"]))
    c = c.sort("doc_id", "s").with_columns(_pe=pl.col("e").shift(1).over("doc_id", "sentence_id"))
    lead_from = pl.max_horizontal(pl.col("ss"), pl.col("s") - ASPIRATION_WINDOW)
    c = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left").with_columns(
        _gap=pl.col("shadow").str.slice(pl.col("_pe").fill_null(0), (pl.col("s") - pl.col("_pe").fill_null(0)).clip(0, 8)),
        _lead=pl.col("shadow").str.slice(lead_from, pl.col("s") - lead_from),
    )
    floor = pl.col("_pe").is_not_null() & pl.col("_gap").str.contains(r"^\W*\s(?:or|and/or)\s\W*$")
    aim = pl.col("_lead").str.contains(ref["aspiration"])
    return c.filter(~floor & ~aim).drop("shadow", "_gap", "_lead", "_pe")


def council_runs(authorities: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Council mentions with `run` (mentions joined only by commas, dashes or 'and' share a run)
    and `owner` (named as the owner of services: 'Wigan’s children’s services')."""
    coord = _ref()["coordinator"]
    a = (
        authorities.select("doc_id", "sentence_id", "canonical", "gss_code", "la_type", pl.col("s").alias("a_s"), pl.col("e").alias("a_e"))
        .sort("doc_id", "a_s")
        .with_columns(_ne=pl.col("a_e").shift(1).over("doc_id"), _psent=pl.col("sentence_id").shift(1).over("doc_id"))
        .join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
        .with_columns(_gap=pl.col("shadow").str.slice(pl.col("_ne").fill_null(0), (pl.col("a_s") - pl.col("_ne").fill_null(0)).clip(0, 12)))
    )
    joined = pl.col("_ne").is_not_null() & (pl.col("_psent") == pl.col("sentence_id")) & (pl.col("a_s") - pl.col("_ne") <= 12) & pl.col("_gap").str.contains(coord)
    ref = _ref()
    owner = (
        pl.col("shadow").str.slice(pl.col("a_e"), 40).str.contains(ref["service_owner_after"])
        | pl.col("shadow").str.slice((pl.col("a_s") - 20).clip(0), pl.col("a_s") - (pl.col("a_s") - 20).clip(0)).str.contains(ref["service_owner_before"])
    )
    return (
        a.with_columns(run=(~joined).cast(pl.Int64).cum_sum().over("doc_id"), owner=owner)
        .drop("shadow", "_gap", "_ne", "_psent")
    )


def _run_members(picked: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """Every council of the picked (doc_id, s, run) rows, one row per distinct council."""
    members = runs.select("doc_id", "run", "canonical", "gss_code")
    return picked.join(members, on=["doc_id", "run"], how="inner").unique(["doc_id", "s", "canonical"])


def _same_sentence(c: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """Ratings whose sentence names a council: the run nearest before, else the first after."""
    r = runs.drop_nulls("sentence_id").select("doc_id", "sentence_id", "a_s", "run")
    pairs = c.join(r, on=["doc_id", "sentence_id"], how="inner")
    before = pairs.filter(pl.col("a_s") < pl.col("s")).sort("a_s").group_by("doc_id", "s").agg(pl.col("run").last())
    after = (
        pairs.join(before.select("doc_id", "s"), on=["doc_id", "s"], how="anti")
        .sort("a_s").group_by("doc_id", "s").agg(pl.col("run").first())
    )
    picked = c.join(pl.concat([before, after]), on=["doc_id", "s"], how="inner")
    return _run_members(picked, runs)


def _group_members(c: pl.DataFrame, runs: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Group sentences: 'all N of the authorities' -> the N councils named last before the sentence."""
    if c.is_empty():
        return c
    ref = _ref()
    head = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left").with_columns(
        _head=pl.col("shadow").str.slice(pl.col("ss"), pl.col("s") - pl.col("ss"))
    ).drop("shadow")
    quant = head.with_columns(
        _q=pl.col("_head").str.extract_all(ref["group_quantifier"]).list.last()
    ).with_columns(
        _universal=pl.col("_q").str.contains(ref["universal"]),
        _nw=pl.col("_q").str.extract(ref["group_count"], 1).str.to_lowercase(),
    ).with_columns(
        n=pl.when(pl.col("_nw") == "both").then(pl.lit(2.0)).otherwise(
            pl.coalesce(pl.col("_nw").cast(pl.Float64, strict=False), words_value("_nw"))
        )
    ).filter(pl.col("_universal").fill_null(False) & pl.col("n").is_not_null())
    if quant.is_empty():
        return quant.drop("_head", "_q", "_universal", "_nw")
    prior = quant.select("doc_id", "s", "ss", "n").join(
        runs.select("doc_id", "canonical", "gss_code", "a_s"), on="doc_id", how="inner"
    ).filter((pl.col("a_s") < pl.col("ss")) & (pl.col("ss") - pl.col("a_s") <= RECENT_CHARS))
    last_n = (
        prior.sort("a_s", descending=True)
        .unique(["doc_id", "s", "canonical"], keep="first", maintain_order=True)
        .with_columns(_rank=pl.int_range(pl.len()).over("doc_id", "s"))
        .filter(pl.col("_rank") < pl.col("n"))
    )
    enough = last_n.group_by("doc_id", "s").agg(pl.len().alias("_k"), pl.col("n").first()).filter(pl.col("_k") == pl.col("n"))
    members = last_n.join(enough.select("doc_id", "s"), on=["doc_id", "s"], how="inner").select("doc_id", "s", "canonical", "gss_code")
    return quant.drop("_head", "_q", "_universal", "_nw", "n").join(members, on=["doc_id", "s"], how="inner")


def _earlier_sentence(c: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """Ratings of a council named before: in the nearest earlier sentence naming one, the run of
    the council owning services if there is one, else its first run."""
    ref = _ref()
    window = pl.when(pl.col("sent_text").str.contains(ref["first_person"])).then(FIRST_PERSON_CHARS).otherwise(RECENT_CHARS)
    county = pl.col("sent_text").str.contains(ref["county_anaphor"])
    council = ~county & pl.col("sent_text").str.contains(ref["council_anaphor"])
    principal = _principal(c.filter(council), runs)
    rest = c.filter(~county).join(principal.select("doc_id", "s"), on=["doc_id", "s"], how="anti")
    picked = pl.concat(
        [
            _nearest_head(rest, runs, window),
            _nearest_head(c.filter(county), runs.filter(pl.col("la_type") == "county"), window),
        ]
    )
    return pl.concat([_run_members(picked, runs), principal], how="diagonal_relaxed")


def _document_council(c: pl.DataFrame, runs: pl.DataFrame, min_share: float = 0.0) -> pl.DataFrame:
    """Ratings of the council a document names most often (the first named of a tie), when that council has at
    least `min_share` of the document's council mentions."""
    counts = runs.group_by("doc_id", "canonical", "gss_code").agg(pl.len().alias("_n"), pl.col("a_s").min().alias("_first"))
    counts = counts.with_columns(_share=pl.col("_n") / pl.col("_n").sum().over("doc_id"))
    top = counts.sort(["_n", "_first"], descending=[True, False]).group_by("doc_id", maintain_order=True).first()
    top = top.filter(pl.col("_share") >= min_share)
    return c.join(top.drop("_n", "_first", "_share"), on="doc_id", how="inner")


def _principal(c: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """Ratings of 'the council': the council named more often than any other in the RECENT_CHARS before
    the rating's sentence (none on a tie); one row per rating with canonical and gss_code."""
    named = runs.select("doc_id", "canonical", "gss_code", "a_s")
    recent = (
        c.select("doc_id", "s", "ss").join(named, on="doc_id", how="inner")
        .filter((pl.col("a_s") < pl.col("ss")) & (pl.col("ss") - pl.col("a_s") <= RECENT_CHARS))
        .group_by("doc_id", "s", "canonical", "gss_code")
        .agg(pl.len().alias("_n"))
        .sort("_n", descending=True)
        .group_by("doc_id", "s", maintain_order=True)
        .agg(pl.col("canonical", "gss_code").first(), pl.col("_n").first(), pl.col("_n").slice(1, 1).first().alias("_next"))
        .filter(pl.col("_next").is_null() | (pl.col("_n") > pl.col("_next")))
    )
    return c.join(recent.drop("_n", "_next"), on=["doc_id", "s"], how="inner")


def _nearest_head(c: pl.DataFrame, runs: pl.DataFrame, window: pl.Expr) -> pl.DataFrame:
    """`run` of the nearest earlier sentence naming one of `runs` within `window` characters."""
    heads = (
        runs.drop_nulls("sentence_id").sort("a_s")
        .group_by("doc_id", "sentence_id").agg(
            pl.col("a_s").first().alias("h_s"),
            pl.col("run").filter(pl.col("owner")).first().fill_null(pl.col("run").first()),
        )
        .sort("h_s")
    )
    return (
        c.sort("ss")
        .join_asof(heads.drop("sentence_id"), left_on="ss", right_on="h_s", by="doc_id", strategy="backward", check_sortedness=False)
        .filter(pl.col("run").is_not_null() & ((pl.col("ss") - pl.col("h_s")) <= window))
        .drop("h_s")
    )


def _nearest_period(rated: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """Add `when`: text of the dated period closest to the rating word in its sentence."""
    dated = periods.filter(pl.col("start_date").is_not_null()).select("sentence_id", pl.col("s").alias("p_s"), pl.col("text").alias("p_text"))
    cand = rated.select("doc_id", "s", "sentence_id").unique().join(dated, on="sentence_id", how="inner")
    best = (
        cand.with_columns(_d=(pl.col("p_s") - pl.col("s")).abs())
        .sort("_d")
        .group_by("doc_id", "s")
        .agg(pl.col("p_text").first().alias("when"))
    )
    return rated.join(best, on=["doc_id", "s"], how="left")
