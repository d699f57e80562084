"""The documentation keeps up with the code."""

from pathlib import Path

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]


def test_every_hook_has_a_documented_section_with_an_example():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("maillage_")]
    assert len(hooks) >= 18
    for name in hooks:
        assert f"### {name}(" in guide, f"{name} is missing from docs/plugins.md"
        section = guide.split(f"### {name}(", 1)[1].split("\n### ", 1)[0]
        assert "```python" in section and "@hookimpl" in section, f"{name} has no example"
        assert getattr(hookspecs, name).__doc__, f"{name} has no docstring"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./scripts/start.sh" in readme and "./scripts/test.sh" in readme
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
