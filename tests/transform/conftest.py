import hashlib

import polars as pl
import pytest


def docs_of(*texts: str) -> pl.DataFrame:
    """A documents frame (status ok) for the given texts."""
    return pl.DataFrame(
        {
            "doc_id": [hashlib.sha256(t.encode()).hexdigest() for t in texts],
            "source_name": [f"doc{i}.txt" for i in range(len(texts))],
            "text": list(texts),
            "status": ["ok"] * len(texts),
        }
    )


@pytest.fixture
def make_docs():
    return docs_of


def figures_of(text: str) -> pl.DataFrame:
    """The figures table of one document, in text order."""
    from transform.pipeline import transform_documents

    return transform_documents(docs_of(text))["figures"].sort("start")


def figure(text: str, span: str, nth: int = 0) -> dict:
    """The nth figure whose span text is `span` (fails with the spans found when there is none)."""
    rows = figures_of(text).filter(pl.col("text") == span)
    assert rows.height > nth, f"no figure {span!r} in {text!r}: {figures_of(text)['text'].to_list()}"
    return rows.row(nth, named=True)


def role_of(text: str, span: str) -> tuple:
    """(role, direction) of the first figure whose span text is `span`."""
    f = figure(text, span)
    return f["role"], f["direction"]
