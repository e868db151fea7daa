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
