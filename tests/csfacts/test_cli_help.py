"""Every command's --help shows an example (a command without one fails this test)."""

from __future__ import annotations

import pytest

from csfacts import cli


def _subcommands() -> list[str]:
    parser = cli._parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_main_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "example" in out and "csfacts run" in out


@pytest.mark.parametrize("command", _subcommands())
def test_subcommand_help_has_example(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    out = capsys.readouterr().out
    assert "example" in out.lower()
    assert f"csfacts {command}" in out


def test_rules_lists_every_rule(capsys):
    from transform.figure_context import metric_rules
    from transform.rules import all_rules

    assert cli.main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in [*all_rules(), *metric_rules()]:
        assert rule.id in out
        assert rule.description in out
