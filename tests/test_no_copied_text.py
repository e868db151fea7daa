"""No rule, reference or sample file may reuse text from the shared evaluation corpus.

A file fails when it contains a run of more than five consecutive words (any six-word
sequence) that also occurs in a document under ../shared/corpus. Words are runs of ``\\w``
characters, lowercased, with apostrophes dropped first ("children's" -> "childrens") and
all other punctuation and whitespace (including line breaks) ignored.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
RUN = 6  # words: "more than 5 consecutive words"
STANDARD = Path(__file__).parent / "cases" / "standard_phrases.txt"

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", text).lower())


def ngrams(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def copied_runs(text: str, reference: set[tuple[str, ...]], n: int = RUN) -> list[str]:
    """Maximal runs of >= n consecutive words of `text` whose every n-gram is in `reference`."""
    tokens = words(text)
    hit = [tuple(tokens[i:i + n]) in reference for i in range(len(tokens) - n + 1)]
    runs, i = [], 0
    while i < len(hit):
        if hit[i]:
            j = i
            while j + 1 < len(hit) and hit[j + 1]:
                j += 1
            runs.append(" ".join(tokens[i:j + n]))
            i = j + 1
        else:
            i += 1
    return runs


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="ignore")


def checked_files() -> list[Path]:
    files: set[Path] = set((REPO / "transform" / "reference").glob("*.yaml"))
    for top in ("transform", "extract", "expectations", "flows", "warehouse", "csfacts"):
        for pattern in ("*.py", "*.yaml"):
            files.update((REPO / top).rglob(pattern))
    files.update(p for p in (REPO / "samples").rglob("*") if p.is_file() and p.suffix != ".pdf")
    files.update(p for p in (REPO / "gold").rglob("*") if p.is_file())
    return sorted(p for p in files if "__pycache__" not in p.parts)


def standard_ngrams() -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The six-word sequences of the field's standard wording, also with one word either side of
    each of its five-word sequences (a standard phrase run into a stray letter or page number)."""
    grams: set[tuple[str, ...]] = set()
    fives: set[tuple[str, ...]] = set()
    for line in STANDARD.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            grams |= ngrams(words(line))
            fives |= ngrams(words(line), RUN - 1)
    return grams, fives


def _standard(gram: tuple[str, ...], fives: set[tuple[str, ...]]) -> bool:
    return gram[1:] in fives or gram[:-1] in fives


def corpus_ngrams() -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            grams |= ngrams(words(read_text(path)))
    return grams


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not present at {CORPUS}")
def test_no_file_copies_text_from_the_shared_corpus():
    standard, fives = standard_ngrams()
    reference = {g for g in corpus_ngrams() - standard if not _standard(g, fives)}
    assert reference, f"no documents found under {CORPUS}"
    problems = []
    for path in checked_files():
        for run in copied_runs(read_text(path), reference):
            problems.append(f"{path.relative_to(REPO)}: copied words: {run!r}")
    assert not problems, (
        f"{len(problems)} run(s) of more than 5 consecutive words copied from {CORPUS}:\n"
        + "\n".join(problems)
    )


def test_detector_catches_six_words_but_not_five():
    source = "The quick brown fox jumps over the lazy dog near the river bank."
    reference = ngrams(words(source))
    six = "Notes: quick, brown FOX jumps over the — end."  # 6 consecutive words, case/punctuation differ
    five = "Notes: quick brown fox jumps over and then stopped."  # only 5 consecutive words
    assert copied_runs(six, reference) == ["quick brown fox jumps over the"]
    assert copied_runs(five, reference) == []
    # apostrophes are ignored on both sides and line breaks do not hide a run
    ref2 = ngrams(words("the council's children's services were rated good by inspectors"))
    assert copied_runs("The councils childrens\nservices were rated good", ref2) == [
        "the councils childrens services were rated good"
    ]
    assert copied_runs("completely different words in this sentence here", ref2) == []
