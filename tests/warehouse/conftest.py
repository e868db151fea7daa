"""Fixtures of the warehouse storage tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.warehouse.warehouse_samples import document_batch


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory (not yet created on disk)."""
    return tmp_path / "data"


@pytest.fixture
def tables() -> dict[str, pl.DataFrame]:
    """Every table with a few rows: three documents and one run."""
    return document_batch(["a", "b", "c"], gen=0, run_id="run-0")
