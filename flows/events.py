"""The Prefect events csfacts emits and consumes, with their payloads.

| event | emitted by | payload |
|---|---|---|
| csfacts.document.received | inbox watcher | path, sha256, size_bytes, data_dir |
| csfacts.warehouse.updated | every run that published | run_id, outcome, rows (per table), n_documents, n_quarantined, data_dir |
| csfacts.validation.failed | a run or validation with critical failures | run_id, n_failed_critical, n_failed_warning, failed (list), report_path, data_dir |

Every event's resource is the warehouse it concerns (`csfacts.warehouse.<hash of data dir>`),
so deployment triggers of one `csfacts serve` match only their own data directory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

DOCUMENT_RECEIVED = "csfacts.document.received"
WAREHOUSE_UPDATED = "csfacts.warehouse.updated"
VALIDATION_FAILED = "csfacts.validation.failed"


def warehouse_resource_id(data_dir: str | Path) -> str:
    """Stable Prefect resource id of the warehouse under data_dir."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return f"csfacts.warehouse.{digest}"


def _resource(data_dir: str | Path) -> dict[str, str]:
    return {"prefect.resource.id": warehouse_resource_id(data_dir), "prefect.resource.name": str(Path(data_dir).resolve())}


def emit(event: str, data_dir: str | Path, payload: dict[str, Any]) -> None:
    """Emit one csfacts event about the warehouse under data_dir."""
    from prefect.events import emit_event

    emit_event(event=event, resource=_resource(data_dir), payload={**payload, "data_dir": str(Path(data_dir).resolve())})


def document_received_payload(path: Path, sha256: str, size_bytes: int) -> dict[str, Any]:
    """Payload of csfacts.document.received."""
    return {"path": str(path), "sha256": sha256, "size_bytes": size_bytes}


def run_payloads(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The events a finished run emits: warehouse.updated if it published, validation.failed if critical failures."""
    out: list[tuple[str, dict[str, Any]]] = []
    if summary.get("published"):
        out.append(
            (
                WAREHOUSE_UPDATED,
                {
                    "run_id": summary["run_id"],
                    "outcome": summary["outcome"],
                    "rows": summary["rows"],
                    "n_documents": summary["n_documents"],
                    "n_quarantined": summary["n_quarantined"],
                },
            )
        )
    if summary.get("n_failed_critical"):
        out.append(
            (
                VALIDATION_FAILED,
                {
                    "run_id": summary["run_id"],
                    "n_failed_critical": summary["n_failed_critical"],
                    "n_failed_warning": summary["n_failed_warning"],
                    "failed": summary["failed_expectations"][:50],
                    "report_path": summary["report_path"],
                },
            )
        )
    return out
