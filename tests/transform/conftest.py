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


def tables(text: str) -> dict[str, pl.DataFrame]:
    """Every output table of one document."""
    from transform.pipeline import transform_documents

    return transform_documents(docs_of(text))


def figures_of(text: str) -> pl.DataFrame:
    """The figures table of one document, in text order."""
    return tables(text)["figures"].sort("start")


def spans(text: str) -> list[str]:
    """The span texts of the figures of one document, in text order."""
    return figures_of(text)["text"].to_list()


def figure(text: str, span: str, nth: int = 0) -> dict:
    """The nth figure whose span text is `span` (fails with the spans found when there is none)."""
    rows = figures_of(text).filter(pl.col("text") == span)
    assert rows.height > nth, f"no figure {span!r} in {text!r}: {figures_of(text)['text'].to_list()}"
    return rows.row(nth, named=True)


def role_of(text: str, span: str) -> tuple:
    """(role, direction) of the first figure whose span text is `span`."""
    f = figure(text, span)
    return f["role"], f["direction"]


def inject_transform_fault(monkeypatch, marker: str, error: Exception) -> None:
    """Make transform.pipeline.transform_documents raise `error` for any batch holding a text with `marker` (a fault
    no real input is known to cause any more)."""
    import transform.pipeline as tp

    real = tp.transform_documents

    def flaky(documents: pl.DataFrame) -> dict:
        if documents["text"].str.contains(marker, literal=True).any():
            raise error
        return real(documents)

    monkeypatch.setattr(tp, "transform_documents", flaky)
