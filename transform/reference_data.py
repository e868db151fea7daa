"""Typed loaders for the reference data files in transform/reference/ (read once, cached)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

REFERENCE_DIR = Path(__file__).parent / "reference"


class Vocabularies(BaseModel):
    """Controlled vocabularies shared by transforms and expectations."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    unit: tuple[str, ...]
    approx: tuple[str, ...]
    role: tuple[str, ...]
    direction: tuple[str, ...]
    period_kind: tuple[str, ...]
    la_type: tuple[str, ...]
    rating: tuple[str, ...]
    check_kind: tuple[str, ...]
    verdict: tuple[str, ...]
    claim_kind: tuple[str, ...]
    document_status: tuple[str, ...]
    judgement_area: tuple[str, ...]
    judgement_source: tuple[str, ...]
    inspection_framework: tuple[str, ...]
    inspection_report_type: tuple[str, ...]
    inspection_type: tuple[str, ...]
    publication_source: tuple[str, ...]


def load_yaml(name: str) -> Any:
    """Parse one reference file by name (e.g. ``"vocabularies.yaml"``)."""
    with open(REFERENCE_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=None)
def vocabularies() -> Vocabularies:
    """The controlled vocabularies (unit, approx, role, ...)."""
    return Vocabularies.model_validate(load_yaml("vocabularies.yaml"))
