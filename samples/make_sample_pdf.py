"""Write samples/corpus/northamptonshire_children_services_budget.pdf, a 2-page sample report.

The text is invented for the sample corpus (the council is real, every figure is made up). The
PDF is reproducible: a fixed creation date, so rerunning this script rewrites identical bytes.

    .venv/bin/python samples/make_sample_pdf.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

OUTPUT = Path(__file__).parent / "corpus" / "northamptonshire_children_services_budget.pdf"
CREATED = dt.datetime(2018, 2, 20, 9, 0, tzinfo=dt.UTC)

TITLE = "Northamptonshire County Council - Cabinet report"
PAGES = [
    [
        ("h", "Children's services: budget monitoring, quarter 3, 2017/18"),
        (
            "p",
            (
                "1. Summary. The forecast overspend on children's services at the end of December 2017 "
                "is £11.4m, up from £9.8m at quarter 2. The service's net budget for 2017/18 is £118.6 "
                "million, so the overspend is nearly 10 per cent of the budget."
            ),
        ),
        (
            "p",
            (
                "2. Placements. The count of looked-after children rose from 918 in March 2016 to "
                "1,062 in December 2017. Around one in five of these children lives in a residential "
                "placement, at an average weekly cost of £3,900, compared with £780 for an in-house "
                "foster placement."
            ),
        ),
        (
            "p",
            (
                "3. Staffing. Since April 2015 the council has relied heavily on agency staff. In "
                "2016-17 agency social workers made up 34% of the qualified workforce, and each costs "
                "the council between £15,000 and £20,000 a year more than a permanent employee."
            ),
        ),
    ],
    [
        (
            "p",
            (
                "4. Ofsted. Children's services were judged inadequate by Ofsted in 2013 and rated "
                "'Requires improvement' at the re-inspection in 2016. A focused visit is expected in "
                "the first half of 2018/19."
            ),
        ),
        (
            "p",
            (
                "5. Savings. The medium term financial plan assumes savings of £6.2m in 2018/19, of "
                "which six to eight per cent are at risk. The council's total revenue budget is "
                "£0.4bn, and children's services now account for nearly half of its overspend."
            ),
        ),
        (
            "p",
            (
                "6. Recommendation. Cabinet is asked to note that the overspend fell from £12.9m to "
                "£11.4m between November and December 2017 once the contingency of £1.5 million was "
                "released, and to approve the recruitment plan for 2018/19."
            ),
        ),
    ],
]


def build_pdf() -> bytes:
    """The sample report as PDF bytes: two A4 pages of wrapped Helvetica text."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(TITLE)
    pdf.set_author("Made-up sample for csfacts")
    pdf.set_auto_page_break(auto=False)
    for blocks in PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, TITLE, new_x="LMARGIN", new_y="NEXT")
        for kind, text in blocks:
            if kind == "h":
                pdf.set_font("Helvetica", style="B", size=13)
                pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("Helvetica", size=11)
                # A narrow column: lines wrap mid-sentence, as in a printed report.
                pdf.multi_cell(120, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def main() -> None:
    """Write the sample PDF next to the other sample documents."""
    OUTPUT.write_bytes(build_pdf())
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
