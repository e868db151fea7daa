#!/usr/bin/env python3
"""Build the generalisation gold (JSON Lines, see ../shared/gold/SCHEMA.md) from the
hand-written annotation YAMLs in ``annotations/`` and the documents in ``docs/``.

Every annotation names its exact ``text`` and is located in the raw document text
(``open(path, encoding="utf-8").read()``) by:

* ``left``: a string that must immediately precede the text (optional), and
* ``occ``: which occurrence (1-based) of ``left + text`` to take (default 1).

Occurrences are counted at token boundaries: a match may not start in the middle of a
run of letters or digits, nor end in one (so "12" never matches inside "2012", while
"Leeds" and "12.5%" are both found in the glued cell "Leeds12.5%"). If the text occurs
more than once and neither ``left`` nor ``occ`` is given, the build fails, so every
annotation points at exactly one span on purpose.

The build fails loudly on anything unresolved, on duplicate spans within a table, on
overlapping figure spans, on unknown fields or values, and on checks that name unknown
figure or period keys.

usage: python samples/generalisation/build_gold.py [--check] [--root DIR]
  --check     only validate; do not write the gold files
  --root DIR  corpus directory holding docs/ and annotations/ (gold/ is written there);
              default: this script's own directory (the generalisation corpus)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
ANNOTATIONS = HERE / "annotations"
GOLD = HERE / "gold"


def set_root(root: Path) -> None:
    """Point DOCS, ANNOTATIONS and GOLD at another corpus directory (e.g. samples/holdout)."""
    global DOCS, ANNOTATIONS, GOLD
    root = Path(root).resolve()
    DOCS, ANNOTATIONS, GOLD = root / "docs", root / "annotations", root / "gold"

UNITS = {"percent", "percentage_point", "GBP", "count", "months", "years", "weeks", "days",
         "hours", "ratio", "fraction", "multiplier"}
APPROX = {None, "approximately", "more_than", "at_least", "fewer_than", "at_most", "nearly",
          "up_to", "around", "over", "some"}
ROLES = {"level", "change", "from", "to", "target", "other"}
DIRECTIONS = {None, "increase", "decrease"}
PERIOD_KINDS = {"year", "fiscal_year", "month", "date", "year_range", "fiscal_year_range",
                "relative_duration"}
LA_TYPES = {"county", "metropolitan_borough", "london_borough", "unitary", "welsh_unitary", "other"}
RATINGS = {"outstanding", "good", "requires_improvement", "adequate", "inadequate"}
CHECK_KINDS = {"partition_sum", "change_consistency", "derived_ratio", "cross_reference", "range",
               "duration_consistency"}
VERDICTS = {"pass", "fail", "unverifiable"}
GSS = re.compile(r"^[EW]\d{8}$")

LOCATE = {"text", "occ", "left", "k"}
EXTRA = {"metric", "subject", "period", "optional", "note"}
FIELDS = {
    "figures": LOCATE | EXTRA | {"value", "value_max", "unit", "approx", "role", "direction"},
    "periods": LOCATE | {"kind", "start_date", "end_date", "optional", "note"},
    "authorities": LOCATE | {"canonical", "gss_code", "la_type", "optional", "note"},
    "groups": LOCATE | {"canonical", "la_type", "optional", "note"},
    "ratings": LOCATE | {"authority", "rating", "when", "scope", "optional", "note"},
}
CHECK_FIELDS = {"kind", "figures", "periods", "expected", "computed", "tolerance", "explanation",
                "optional", "note"}
PREFIX = {"figures": "F", "periods": "P", "authorities": "A", "groups": "G", "ratings": "R"}


class GoldError(Exception):
    pass


def _word_char(c: str) -> str | None:
    if c.isalpha():
        return "alpha"
    if c.isdigit():
        return "digit"
    return None


def find_all(doc: str, needle: str) -> list[int]:
    """Start offsets of `needle` in `doc` that sit on token boundaries."""
    out = []
    i = doc.find(needle)
    while i != -1:
        first, last = _word_char(needle[0]), _word_char(needle[-1])
        before = doc[i - 1] if i > 0 else ""
        after = doc[i + len(needle)] if i + len(needle) < len(doc) else ""
        ok = True
        if first and before and _word_char(before) == first:
            ok = False
        if first == "digit" and before in {".", ","} and i > 1 and doc[i - 2].isdigit():
            ok = False  # inside a number such as 1,234 or 12.5
        if last and after and _word_char(after) == last:
            ok = False
        if last == "digit" and after in {".", ","} and i + len(needle) + 1 < len(doc) \
                and doc[i + len(needle) + 1].isdigit():
            ok = False
        if ok:
            out.append(i)
        i = doc.find(needle, i + 1)
    return out


def locate(doc: str, item: dict, where: str) -> tuple[int, int]:
    text = item.get("text")
    if not isinstance(text, str) or not text:
        raise GoldError(f"{where}: missing or non-string text: {text!r}")
    left = item.get("left") or ""
    occ = item.get("occ")
    hits = [i + len(left) for i in find_all(doc, left + text)] if left else find_all(doc, text)
    if left:
        # the text itself must also start on a token boundary
        starts = set(find_all(doc, text))
        hits = [h for h in hits if h in starts]
    if not hits:
        loose = re.search(r"\s+".join(map(re.escape, text.split())), doc)
        hint = f"; did you mean {loose.group(0)!r}?" if loose else ""
        raise GoldError(f"{where}: text {text!r} (left {left!r}) not found in document{hint}")
    if occ is None:
        if len(hits) > 1:
            raise GoldError(f"{where}: text {text!r} (left {left!r}) occurs {len(hits)} times; give occ or left")
        occ = 1
    if not isinstance(occ, int) or not 1 <= occ <= len(hits):
        raise GoldError(f"{where}: occ={occ!r} but {text!r} (left {left!r}) occurs {len(hits)} times")
    start = hits[occ - 1]
    end = start + len(text)
    if doc[start:end] != text:
        raise GoldError(f"{where}: offset mismatch for {text!r}")
    return start, end


def iso(v, where: str, field: str) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v)
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", s):
        return s
    raise GoldError(f"{where}: {field} is not an ISO date: {v!r}")


def num(v, where: str, field: str, allow_none: bool = False) -> float | None:
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise GoldError(f"{where}: {field} must be a number, got {v!r}")
    return float(v)


def validate(table: str, item: dict, where: str) -> None:
    unknown = set(item) - FIELDS[table]
    if unknown:
        raise GoldError(f"{where}: unknown fields {sorted(unknown)}")
    if table == "figures":
        if item.get("unit") not in UNITS:
            raise GoldError(f"{where}: bad unit {item.get('unit')!r}")
        if item.get("approx") not in APPROX:
            raise GoldError(f"{where}: bad approx {item.get('approx')!r}")
        if item.get("role", "level") not in ROLES:
            raise GoldError(f"{where}: bad role {item.get('role')!r}")
        if item.get("direction") not in DIRECTIONS:
            raise GoldError(f"{where}: bad direction {item.get('direction')!r}")
    elif table == "periods":
        if item.get("kind") not in PERIOD_KINDS:
            raise GoldError(f"{where}: bad kind {item.get('kind')!r}")
    elif table in ("authorities", "groups"):
        if not item.get("canonical"):
            raise GoldError(f"{where}: canonical is required")
        if item.get("la_type") not in LA_TYPES:
            raise GoldError(f"{where}: bad la_type {item.get('la_type')!r}")
        code = item.get("gss_code")
        if table == "authorities" and code is not None and not GSS.match(str(code)):
            raise GoldError(f"{where}: bad gss_code {code!r}")
    elif table == "ratings":
        if item.get("rating") not in RATINGS:
            raise GoldError(f"{where}: bad rating {item.get('rating')!r}")
        if not item.get("authority"):
            raise GoldError(f"{where}: authority is required")


def row_for(table: str, doc_name: str, rid: str, item: dict, start: int, end: int, where: str) -> dict:
    base = {"doc": doc_name, "id": rid, "text": item["text"], "start": start, "end": end}
    if table == "figures":
        row = base | {
            "value": num(item.get("value"), where, "value"),
            "value_max": num(item.get("value_max"), where, "value_max", allow_none=True),
            "unit": item["unit"],
            "approx": item.get("approx"),
            "role": item.get("role", "level"),
            "direction": item.get("direction"),
        }
        for extra in ("metric", "subject", "period"):
            if item.get(extra) is not None:
                row[extra] = str(item[extra])
    elif table == "periods":
        row = base | {
            "kind": item["kind"],
            "start_date": iso(item.get("start_date"), where, "start_date"),
            "end_date": iso(item.get("end_date"), where, "end_date"),
        }
    elif table == "authorities":
        row = base | {"canonical": item["canonical"], "gss_code": item.get("gss_code"),
                      "la_type": item["la_type"]}
    elif table == "groups":
        row = base | {"canonical": item["canonical"], "la_type": item["la_type"]}
    else:  # ratings
        when = item.get("when")
        row = {"doc": doc_name, "id": rid, "authority": item["authority"], "rating": item["rating"],
               "when": None if when is None else iso(when, where, "when"),
               "text": item["text"], "start": start, "end": end, "scope": item.get("scope")}
    row["optional"] = bool(item.get("optional", False))
    if item.get("note"):
        row["note"] = str(item["note"])
    return row


def build() -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {t: [] for t in (*FIELDS, "checks")}
    fig_keys: dict[str, str] = {}   # "g01:key" -> figure id
    per_keys: dict[str, str] = {}
    pending_checks: list[tuple[str, str, dict]] = []
    yamls = sorted(ANNOTATIONS.glob("*.yaml"))
    if not yamls:
        raise GoldError(f"no annotation files in {ANNOTATIONS}")
    seen_docs: set[str] = set()
    for ypath in yamls:
        spec = yaml.safe_load(ypath.read_text(encoding="utf-8")) or {}
        doc_name = spec.get("doc")
        if not doc_name:
            raise GoldError(f"{ypath.name}: missing 'doc'")
        if doc_name in seen_docs:
            raise GoldError(f"{ypath.name}: document {doc_name} annotated twice")
        seen_docs.add(doc_name)
        dpath = DOCS / doc_name
        if not dpath.is_file():
            raise GoldError(f"{ypath.name}: document {dpath} does not exist")
        doc = open(dpath, encoding="utf-8").read()
        short = doc_name.split("_", 1)[0]
        unknown = set(spec) - {"doc", "figure_defaults", "note", "checks", *FIELDS}
        if unknown:
            raise GoldError(f"{ypath.name}: unknown top-level keys {sorted(unknown)}")
        defaults = spec.get("figure_defaults") or {}
        for table in FIELDS:
            items = spec.get(table) or []
            spans: dict[tuple[int, int], str] = {}
            rows = []
            for n, raw in enumerate(items, 1):
                item = dict(defaults) | dict(raw) if table == "figures" else dict(raw)
                where = f"{ypath.name} {table}[{n}] {raw.get('text')!r}"
                validate(table, item, where)
                start, end = locate(doc, item, where)
                if table != "ratings":
                    if (start, end) in spans:
                        raise GoldError(f"{where}: same span as {spans[(start, end)]}")
                    spans[(start, end)] = where
                rows.append((start, end, item, where))
            rows.sort(key=lambda r: (r[0], r[1]))
            if table == "figures":
                for (s1, e1, _, w1), (s2, e2, _, w2) in zip(rows, rows[1:]):
                    if s2 < e1:
                        raise GoldError(f"overlapping figure spans: {w1} and {w2}")
            for i, (start, end, item, where) in enumerate(rows, 1):
                rid = f"{short}-{PREFIX[table]}{i:03d}"
                row = row_for(table, doc_name, rid, item, start, end, where)
                tables[table].append(row)
                key = item.get("k")
                if key is not None:
                    reg = fig_keys if table == "figures" else per_keys if table == "periods" else None
                    if reg is None:
                        raise GoldError(f"{where}: keys are only used for figures and periods")
                    full = f"{short}:{key}"
                    if full in reg:
                        raise GoldError(f"{where}: duplicate key {full}")
                    reg[full] = rid
        for n, chk in enumerate(spec.get("checks") or [], 1):
            pending_checks.append((doc_name, f"{ypath.name} checks[{n}]", chk))
    missing_yaml = {p.name for p in DOCS.iterdir() if p.is_file()} - seen_docs
    if missing_yaml:
        raise GoldError(f"documents without annotations: {sorted(missing_yaml)}")

    by_id = {r["id"]: r for r in tables["figures"]}
    for n, (doc_name, where, chk) in enumerate(pending_checks, 1):
        unknown = set(chk) - CHECK_FIELDS
        if unknown:
            raise GoldError(f"{where}: unknown fields {sorted(unknown)}")
        if chk.get("kind") not in CHECK_KINDS:
            raise GoldError(f"{where}: bad kind {chk.get('kind')!r}")
        if chk.get("expected") not in VERDICTS:
            raise GoldError(f"{where}: bad expected {chk.get('expected')!r}")
        for field in ("computed", "tolerance", "explanation"):
            if not chk.get(field):
                raise GoldError(f"{where}: {field} is required")
        short = doc_name.split("_", 1)[0]

        def resolve(ref: str, reg: dict[str, str], what: str) -> str:
            full = ref if ":" in ref else f"{short}:{ref}"
            if full not in reg:
                raise GoldError(f"{where}: unknown {what} key {ref!r}")
            return reg[full]

        fids = [resolve(str(f), fig_keys, "figure") for f in chk.get("figures") or []]
        if not fids:
            raise GoldError(f"{where}: a check needs at least one figure")
        pids = [resolve(str(p), per_keys, "period") for p in chk.get("periods") or []]
        docs = sorted({by_id[f]["doc"] for f in fids} | {doc_name})
        row = {}
        if len(docs) == 1:
            row["doc"] = docs[0]
        row |= {"docs": docs, "id": f"C{n:03d}", "kind": chk["kind"], "figures": fids}
        if pids:
            row["periods"] = pids
        row |= {"expected": chk["expected"], "computed": str(chk["computed"]),
                "tolerance": str(chk["tolerance"]), "explanation": chk["explanation"],
                "optional": bool(chk.get("optional", False))}
        if chk.get("note"):
            row["note"] = chk["note"]
        tables["checks"].append(row)
    return tables


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="validate only; write nothing")
    ap.add_argument("--root", type=Path, default=HERE, metavar="DIR",
                    help="corpus directory with docs/ and annotations/; gold/ is written there "
                         "(default: this script's directory)")
    args = ap.parse_args()
    set_root(args.root)
    try:
        tables = build()
    except GoldError as exc:
        print(f"build_gold: ERROR: {exc}", file=sys.stderr)
        return 1
    if not args.check:
        GOLD.mkdir(parents=True, exist_ok=True)
        for table, rows in tables.items():
            with open(GOLD / f"{table}.jsonl", "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for table, rows in tables.items():
        req = sum(not r.get("optional") for r in rows)
        print(f"{table:<12} {len(rows):>5} rows ({req} required, {len(rows) - req} optional)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
