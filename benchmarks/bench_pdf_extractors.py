"""PDF text extractors side by side on inspection reports: speed and text fidelity.

    pip install -e '.[bench]'          # adds pypdfium2
    python benchmarks/bench_pdf_extractors.py ../shared/corpus/ofsted-ilacs \
        --reference ../shared/gold/ofsted-ilacs/reference.csv [--repeat 3] [--limit N] [--json out.json]

For each PDF and extractor (pypdf, which csfacts uses, and pypdfium2): seconds to extract the
text layer (median of --repeat runs), then, over all reports:
- speed: total seconds and pages per second, the ratio against pypdf in the same run;
- fidelity for what csfacts reads from these reports: the text of each extractor goes through the
  same transform, and the inspections it yields are compared field by field with the reference
  (`csfacts inspections --reference`), so a layout an extractor garbles shows as disagreements;
- text health: replacement characters (U+FFFD), private-use glyphs, unexpanded ligatures, words
  glued across a line end ('protectionGood'), and how much of each text's vocabulary the other
  extractor also produced.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import re
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csfacts.inspection_agreement import compare, summary  # noqa: E402
from extract.pdf_text import pdf_to_text  # noqa: E402
from transform.inspection_export import reference_frame  # noqa: E402
from transform.pipeline import transform_documents  # noqa: E402

WORD = re.compile(r"[A-Za-z]{3,}")
GLUED = re.compile(r"[a-z]{3,}(?:Good|Outstanding|Inadequate|Requires)\b")


def pdfium_text(data: bytes) -> tuple[str, list[int]]:
    """The text layer via pypdfium2, in csfacts' shape: pages joined by form feeds, page start offsets."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(data))
    pages = []
    for i in range(len(pdf)):
        text = pdf[i].get_textpage().get_text_range()
        pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    starts, offset = [], 0
    for p in pages:
        starts.append(offset)
        offset += len(p) + 1
    return "\f".join(pages), starts


EXTRACTORS = {"pypdf": pdf_to_text, "pypdfium2": pdfium_text}


def health(text: str) -> dict[str, int]:
    return {
        "replacement_chars": text.count("\ufffd"),
        "private_use_chars": sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff"),
        "ligatures": sum(text.count(ch) for ch in "\ufb00\ufb01\ufb02\ufb03\ufb04"),
        "glued_grade_words": len(GLUED.findall(text)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--reference", type=Path, help="reference CSV (the ILACS scrape tool's columns)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() == ".pdf")[: args.limit]
    seconds: dict[str, list[float]] = collections.defaultdict(list)
    texts: dict[str, dict[str, str]] = collections.defaultdict(dict)
    pages = 0
    for path in files:
        data = path.read_bytes()
        if not data.startswith(b"%PDF"):
            continue  # not a PDF (csfacts quarantines these)
        for name, fn in EXTRACTORS.items():
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                text, starts = fn(data)
                runs.append(time.perf_counter() - t)
            seconds[name].append(statistics.median(runs))
            texts[name][path.name] = text
        pages += len(starts)
    n = len(texts["pypdf"])
    result: dict = {"reports": n, "pages": pages, "repeat": args.repeat, "extractors": {}}
    base = sum(seconds["pypdf"])
    for name in EXTRACTORS:
        total = sum(seconds[name])
        hv = collections.Counter()
        for text in texts[name].values():
            hv.update(health(text))
        result["extractors"][name] = {
            "seconds_total": round(total, 2),
            "seconds_median_per_report": round(statistics.median(seconds[name]), 4),
            "pages_per_second": round(pages / total, 1),
            "time_ratio_vs_pypdf": round(total / base, 3),
            **dict(hv),
        }
    # vocabulary overlap: share of each text's words the other extractor also produced
    overlaps = []
    for fname, a in texts["pypdf"].items():
        wa, wb = collections.Counter(WORD.findall(a)), collections.Counter(WORD.findall(texts["pypdfium2"][fname]))
        overlaps.append(sum((wa & wb).values()) / max(1, sum(wa.values())))
    result["word_overlap_median"] = round(statistics.median(overlaps), 4)
    result["word_overlap_min"] = round(min(overlaps), 4)

    if args.reference:
        ref = pl.read_csv(args.reference, infer_schema=False)
        for name in EXTRACTORS:
            docs = _docs_from_texts(texts[name])
            tables = transform_documents(docs)
            export = reference_frame(tables["inspections"], tables["ratings"], docs)
            totals = summary(compare(export, ref.filter(pl.col("file").is_in(list(texts[name])))))
            held = totals.filter(pl.col("compared") > 0)
            result["extractors"][name]["agreement"] = {
                r["field"]: f"{r['agree']}/{r['compared']}" for r in held.iter_rows(named=True)
            }
            result["extractors"][name]["agreement_total"] = f"{held['agree'].sum()}/{held['compared'].sum()}"
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


def _docs_from_texts(texts: dict[str, str]) -> pl.DataFrame:
    """A documents frame (status ok) of texts from another extractor, keyed like csfacts keys them."""
    import hashlib

    return pl.DataFrame(
        {
            "doc_id": [hashlib.sha256(t.encode()).hexdigest() for t in texts.values()],
            "source_name": list(texts),
            "text": list(texts.values()),
            "status": ["ok"] * len(texts),
        }
    )


if __name__ == "__main__":
    raise SystemExit(main())
