"""Apply a batch of processed documents to the current warehouse tables (pure: frames in and out).

Rules, for the tables in ``current`` or ``new`` (a table missing from ``new`` gets no new rows):

- replaced documents = ``remove_doc_ids`` plus the doc_ids of ``new["documents"]``;
- tables with a ``doc_id`` column drop the current rows of replaced documents (and of any
  document the batch brings rows for in that table), then add the new rows;
- ``source_files`` is keyed by ``source_path``: a new row replaces the current row with the same
  path, and rows of ``remove_doc_ids`` are dropped (two paths may hold the same document);
- ``checks`` drop every row whose ``doc_ids`` mention a replaced document, then add the new ones;
- the logs (``runs``, ``validation_results``) are appended;
- in every table a new row also replaces a current row with the same key (id column, or
  ``run_id`` for the logs), so applying the same batch twice equals applying it once.

Rows come out in the order :func:`warehouse.store.sort_columns` gives, as they are written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import polars as pl

from warehouse.schema import ID_COLUMNS, LOG_TABLES
from warehouse.store import COMPOSITE_KEYS, conform_frame, empty_frame, sort_columns, table_schema


def apply_documents(
    current: Mapping[str, pl.DataFrame],
    new: Mapping[str, pl.DataFrame],
    remove_doc_ids: Collection[str] = (),
) -> dict[str, pl.DataFrame]:
    """The tables after replacing the batch's documents, dropping `remove_doc_ids`, adding logs."""
    names = list(dict.fromkeys([*current, *new]))
    for name in names:
        table_schema(name)  # unknown names raise UnknownTableError
    removed = pl.Series("doc_id", list(remove_doc_ids), dtype=pl.String)
    new_documents = new.get("documents")
    replaced = removed if new_documents is None else pl.concat([removed, new_documents["doc_id"]])
    merged = {}
    for name in names:
        old = conform_frame(name, current[name]) if name in current else empty_frame(name)
        added = conform_frame(name, new[name]) if name in new else empty_frame(name)
        kept = old.filter(~_superseded(name, added, replaced, removed).fill_null(False))
        merged[name] = pl.concat([kept, added]).sort(
            sort_columns(name), nulls_last=True, maintain_order=True
        )
    return merged


def _superseded(name: str, added: pl.DataFrame, replaced: pl.Series, removed: pl.Series) -> pl.Expr:
    """True for the current rows of table `name` that the batch replaces or removes."""
    key = ID_COLUMNS[name] or COMPOSITE_KEYS[name][0]  # validation_results: its run_id
    condition = pl.col(key).is_in(added[key].implode())
    if name in LOG_TABLES:
        return condition
    if name == "source_files":
        return condition | pl.col("doc_id").is_in(removed.implode())
    if name == "checks":
        mentions = pl.col("doc_ids").list.eval(pl.element().is_in(replaced.implode())).list.any()
        return condition | mentions
    if "doc_id" in added.columns:
        touched = pl.concat([replaced, added["doc_id"]])
        return condition | pl.col("doc_id").is_in(touched.implode())
    return condition
