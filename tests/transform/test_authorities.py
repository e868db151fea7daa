"""Council mentions: golden examples of AUTH-NAME and AUTH-COUNCIL-WORD, aliases, abolished councils."""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.pipeline import transform_documents


def mentions(text: str) -> list[tuple[str, str, str | None, str | None, str]]:
    out = transform_documents(docs_of(text))["authority_mentions"]
    return [(r["text"], r["canonical"], r["gss_code"], r["la_type"], r["rule_id"]) for r in out.iter_rows(named=True)]


@pytest.mark.parametrize(
    "text,span,canonical,gss,la_type,rule",
    [
        ("Calderdale MBC won the award.", "Calderdale MBC", "Calderdale", "E08000033", "metropolitan_borough", "AUTH-COUNCIL-WORD"),
        ("The London Borough of Haringey said so.", "London Borough of Haringey", "Haringey", "E09000014", "london_borough", "AUTH-COUNCIL-WORD"),
        ("Kingston-upon-Thames RBC agreed.", "Kingston-upon-Thames RBC", "Kingston upon Thames", "E09000021", "london_borough", "AUTH-COUNCIL-WORD"),
        ("Windsor & Maidenhead RBC agreed.", "Windsor & Maidenhead RBC", "Windsor and Maidenhead", "E06000040", "unitary", "AUTH-COUNCIL-WORD"),
        ("Northamptonshire County Council was abolished.", "Northamptonshire County Council", "Northamptonshire", "E10000021", "county", "AUTH-COUNCIL-WORD"),
        ("Leeds has 180 schools.", "Leeds", "Leeds", "E08000035", "metropolitan_borough", "AUTH-NAME"),
        ("Work in DERBYSHIRE grew.", "DERBYSHIRE", "Derbyshire", "E10000007", "county", "AUTH-NAME"),
        ("Hampshire County \nCouncil led it.", "Hampshire County \nCouncil", "Hampshire", "E10000014", "county", "AUTH-COUNCIL-WORD"),
        ("Reading Borough Council replied.", "Reading Borough Council", "Reading", "E06000038", "unitary", "AUTH-COUNCIL-WORD"),
        ("Oxford City Council replied.", "Oxford City Council", "Oxford", "E07000178", "other", "AUTH-COUNCIL-WORD"),
        ("Ealing LBC agreed.", "Ealing LBC", "Ealing", "E09000009", "london_borough", "AUTH-COUNCIL-WORD"),
        ("Kent CC agreed.", "Kent CC", "Kent", "E10000016", "county", "AUTH-COUNCIL-WORD"),
        ("The Royal Borough of Greenwich agreed.", "Royal Borough of Greenwich", "Greenwich", "E09000011", "london_borough", "AUTH-COUNCIL-WORD"),
        ("Leeds City Council agreed.", "Leeds City Council", "Leeds", "E08000035", "metropolitan_borough", "AUTH-COUNCIL-WORD"),
        ("St Helens agreed.", "St Helens", "St Helens", "E08000013", "metropolitan_borough", "AUTH-NAME"),
        ("St. Helens Council agreed.", "St. Helens Council", "St Helens", "E08000013", "metropolitan_borough", "AUTH-COUNCIL-WORD"),
        # a council word naming the predecessor county council, or the unitary a county became
        ("Dorset County Council agreed.", "Dorset County Council", "Dorset", "E10000009", "county", "AUTH-COUNCIL-WORD"),
        ("Dorset Council agreed.", "Dorset Council", "Dorset", "E06000059", "unitary", "AUTH-COUNCIL-WORD"),
        ("Buckinghamshire County Council agreed.", "Buckinghamshire County Council", "Buckinghamshire", "E10000002", "county", "AUTH-COUNCIL-WORD"),
        ("North Yorkshire Council agreed.", "North Yorkshire Council", "North Yorkshire", "E06000065", "unitary", "AUTH-COUNCIL-WORD"),
        ("North Yorkshire County Council agreed.", "North Yorkshire County Council", "North Yorkshire", "E10000023", "county", "AUTH-COUNCIL-WORD"),
        ("Bournemouth Borough Council agreed.", "Bournemouth Borough Council", "Bournemouth", "E06000028", "unitary", "AUTH-COUNCIL-WORD"),
        # upper-case letterheads and table cells glued to their numbers
        ("WIGAN METROPOLITAN BOROUGH COUNCIL\nReport", "WIGAN METROPOLITAN BOROUGH COUNCIL", "Wigan", "E08000010", "metropolitan_borough", "AUTH-COUNCIL-WORD"),
        ("KENT COUNTY COUNCIL\nAgenda", "KENT COUNTY COUNCIL", "Kent", "E10000016", "county", "AUTH-COUNCIL-WORD"),
        ("Area\nShare\nSalford14.5%\n", "Salford", "Salford", "E08000006", "metropolitan_borough", "AUTH-NAME"),
        # a name that needs a council word counts bare when listed with councils
        ("Carers in Ealing, Brent and Harrow can apply.", "Brent", "Brent", "E09000005", "london_borough", "AUTH-LISTED"),
        # common abbreviations
        ("A lead member at CWAC said so.", "CWAC", "Cheshire West and Chester", "E06000050", "unitary", "AUTH-NAME"),
        ("RBKC and H&F share a team.", "H&F", "Hammersmith and Fulham", "E09000013", "london_borough", "AUTH-NAME"),
        # created after the 2021 ONS boundaries
        ("Westmorland and Furness agreed.", "Westmorland and Furness", "Westmorland and Furness", "E06000064", "unitary", "AUTH-NAME"),
    ],
)
def test_passing_examples(text, span, canonical, gss, la_type, rule):
    assert (span, canonical, gss, la_type, rule) in mentions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Reading the report took an hour.",  # needs a council word
        "New York is far away.",
        "Brent crude rose again.",  # not listed with a council
        "Write to the office at Salford M5 4WT for a form.",  # an address
        "Greater Manchester authorities share a team.",  # a region, not the city council
        "Oxford is a city.",  # districts need a council word
        "The council met in London.",
        "The debate took place in Westminster Hall.",  # a building
        "Opposition leader Cllr Pete Harrow spoke.",  # a person's surname
        "Dr Kent chaired the panel.",
    ],
)
def test_failing_examples(text):
    assert mentions(text) == []


def test_longest_name_wins():
    got = mentions("North East Lincolnshire Council and Lincolnshire County Council met.")
    assert [(m[0], m[1]) for m in got] == [
        ("North East Lincolnshire Council", "North East Lincolnshire"),
        ("Lincolnshire County Council", "Lincolnshire"),
    ]


def test_every_english_upper_tier_authority_is_found_by_name_and_with_council_word():
    """Each English upper-tier authority of the ONS list, plain and with 'Council', is found with its code
    (with 'Council', a successor's code where reference/authorities.yaml names one, e.g. North Yorkshire Council)."""
    import qlacref_authorities

    from transform.authorities import gazetteer
    from transform.reference_data import load_yaml

    canon = dict(gazetteer().select("gss_code", "canonical").unique("gss_code", keep="first").iter_rows())
    successor = {f["canonical"]: f["gss_code"] for f in load_yaml("authorities.yaml")["council_word_forms"]}
    codes = sorted({r["UTLA21CD"] for r in qlacref_authorities.records if r["UTLA21CD"].startswith("E")})
    assert len(codes) >= 150
    plain = [f"Figures were sent by {canon[c]} this week." for c in codes]
    worded = [f"The team at {canon[c]} Council replied." for c in codes]
    plain_doc, worded_doc = docs_of("\n\n".join(plain), "\n\n".join(worded))["doc_id"].to_list()
    out = transform_documents(docs_of("\n\n".join(plain), "\n\n".join(worded)))["authority_mentions"]
    plain_codes = set(out.filter(pl.col("doc_id") == plain_doc)["gss_code"].drop_nulls())
    worded_codes = set(out.filter(pl.col("doc_id") == worded_doc)["gss_code"].drop_nulls())
    needs_word = set(load_yaml("authorities.yaml")["needs_council_word"])  # 'Reading' alone is a verb
    plain_codes |= {c for c in codes if canon[c] in needs_word}
    assert [canon[c] for c in codes if c not in plain_codes] == []
    assert [canon[c] for c in codes if c not in worded_codes and successor.get(canon[c]) not in worded_codes] == []
