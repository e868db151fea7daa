"""apply_documents: replacing and removing documents, source files, checks, logs; idempotence."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tests.warehouse.warehouse_samples import document_batch, frame
from warehouse.merge import apply_documents
from warehouse.schema import CONTENT_TABLES, LOG_TABLES, SCHEMAS
from warehouse.store import SchemaMismatchError, UnknownTableError, sort_columns

DOC_TABLES = [t for t in CONTENT_TABLES if "doc_id" in SCHEMAS[t].names and t != "source_files"]


def _docs(frame_: pl.DataFrame) -> list[str]:
    return sorted(set(frame_["doc_id"].to_list()))


def _check(check_id: str, doc_ids: list[str]) -> dict[str, object]:
    return {
        "check_id": check_id,
        "kind": "compare",
        "doc_ids": doc_ids,
        "figure_ids": [],
        "verdict": "fail",
        "computed": None,
        "tolerance": "1%",
        "explanation": "x",
    }


@pytest.fixture
def current() -> dict[str, pl.DataFrame]:
    """Documents a, b and c processed by generation 0 in run-0."""
    return document_batch(["a", "b", "c"], gen=0, run_id="run-0")


def test_reprocessed_document_replaces_its_rows(current: dict[str, pl.DataFrame]) -> None:
    new = document_batch(["b"], gen=1, run_id="run-1")
    result = apply_documents(current, new)
    for table in DOC_TABLES:
        old_b = current[table].filter(pl.col("doc_id") == "b")
        kept = result[table].filter(pl.col("doc_id") != "b")
        assert_frame_equal(
            kept, current[table].filter(pl.col("doc_id") != "b").sort(sort_columns(table))
        )
        assert_frame_equal(
            result[table].filter(pl.col("doc_id") == "b"), new[table].sort(sort_columns(table))
        )
        assert old_b.height > 0
    # generation 1 has two figures a document where generation 0 had one: no stale ids stay
    assert result["figures"].filter(pl.col("doc_id") == "b")["figure_id"].to_list() == [
        "b-f1-0",
        "b-f1-1",
    ]
    assert result["documents"]["doc_id"].is_unique().all()


def test_removed_document_disappears_everywhere(current: dict[str, pl.DataFrame]) -> None:
    current["checks"] = pl.concat([current["checks"], frame("checks", [_check("ab", ["a", "b"])])])
    result = apply_documents(current, {}, remove_doc_ids={"b"})
    for table in [*DOC_TABLES, "source_files"]:
        assert _docs(result[table]) == ["a", "c"], table
    assert result["checks"]["check_id"].to_list() == ["a-c0", "c-c0"]
    assert_frame_equal(result["runs"], current["runs"])


def test_source_files_are_keyed_by_path(current: dict[str, pl.DataFrame]) -> None:
    # The file inbox/a.txt was edited: its content is now document "z".
    new = document_batch(["z"], gen=1, paths={"z": "inbox/a.txt"})
    result = apply_documents(current, new)
    files = dict(
        zip(result["source_files"]["source_path"], result["source_files"]["doc_id"], strict=True)
    )
    assert files == {"inbox/a.txt": "z", "inbox/b.txt": "b", "inbox/c.txt": "c"}
    # A second path holding document b keeps b's first path.
    copy = document_batch(["b"], gen=0, paths={"b": "inbox/copy-of-b.txt"})
    result = apply_documents(current, {"source_files": copy["source_files"]})
    assert result["source_files"].filter(pl.col("doc_id") == "b").height == 2


def test_checks_mentioning_a_replaced_document_are_dropped(
    current: dict[str, pl.DataFrame],
) -> None:
    extra = frame(
        "checks", [_check("ab", ["a", "b"]), _check("bc", ["b", "c"]), _check("c", ["c"])]
    )
    current["checks"] = pl.concat([current["checks"], extra])
    new = document_batch(["a"], gen=1)
    result = apply_documents(current, new)
    assert result["checks"]["check_id"].to_list() == ["a-c1", "b-c0", "bc", "c", "c-c0"]


def test_logs_are_appended_and_a_rerecorded_run_replaces_its_rows(
    current: dict[str, pl.DataFrame],
) -> None:
    batch = document_batch(["a"], gen=1, run_id="run-1")
    result = apply_documents(current, batch)
    assert result["runs"]["run_id"].to_list() == ["run-0", "run-1"]
    assert result["validation_results"]["run_id"].to_list() == ["run-0"] * 2 + ["run-1"] * 2
    updated = batch["runs"].with_columns(published=pl.lit(False))
    again = apply_documents(result, {"runs": updated})
    assert again["runs"]["published"].to_list() == [True, False]


def test_missing_tables_mean_no_new_rows(current: dict[str, pl.DataFrame]) -> None:
    only_documents = {"documents": document_batch(["d"], gen=0)["documents"]}
    result = apply_documents(current, only_documents)
    assert set(result) == set(current)
    assert _docs(result["documents"]) == ["a", "b", "c", "d"]
    for table in SCHEMAS:
        if table != "documents":
            assert_frame_equal(
                result[table], current[table].sort(sort_columns(table), nulls_last=True)
            )
    assert set(apply_documents({}, only_documents)) == {"documents"}


def test_output_is_sorted_and_typed_whatever_the_input_order(
    current: dict[str, pl.DataFrame],
) -> None:
    shuffled = {t: f.reverse().select(reversed(f.columns)) for t, f in current.items()}
    result = apply_documents(shuffled, {})
    for table, merged in result.items():
        assert merged.columns == list(SCHEMAS[table].names)
        assert_frame_equal(merged, current[table].sort(sort_columns(table), nulls_last=True))


def test_bad_input_raises_typed_errors(current: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(UnknownTableError):
        apply_documents(current, {"figurez": current["figures"]})
    with pytest.raises(SchemaMismatchError, match="unit"):
        apply_documents(current, {"figures": current["figures"].drop("unit")})


doc_ids = st.sets(st.sampled_from("abcdef"), max_size=4)


@st.composite
def batches(draw: st.DrawFn) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame], set[str]]:
    """A current state, a batch (some tables possibly missing) and documents to remove."""
    # Each state maps documents to distinct paths, but a path may hold another document later.
    paths = st.permutations(["p1", "p2", "p3", "p4", "p5", "p6"]).map(
        lambda p: dict(zip("abcdef", p, strict=True))
    )
    state = document_batch(
        sorted(draw(doc_ids)), gen=draw(st.integers(0, 2)), run_id="run-0", paths=draw(paths)
    )
    batch = document_batch(
        sorted(draw(doc_ids)),
        gen=draw(st.integers(0, 2)),
        run_id=draw(st.sampled_from(["run-0", "run-1"])),
        paths=draw(paths),
    )
    kept = draw(st.sets(st.sampled_from(list(SCHEMAS))))
    return state, {t: f for t, f in batch.items() if t in kept}, draw(doc_ids)


@settings(max_examples=40, deadline=None)
@given(batches())
def test_applying_a_batch_twice_equals_applying_it_once(
    case: tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame], set[str]],
) -> None:
    current, new, removed = case
    once = apply_documents(current, new, removed)
    twice = apply_documents(once, new, removed)
    assert set(once) == set(twice)
    for table in once:
        assert_frame_equal(twice[table], once[table])
    for table in (*CONTENT_TABLES, *LOG_TABLES):
        key = sort_columns(table)[0]
        if table in once and table != "validation_results":
            assert once[table][key].is_unique().all(), table
