"""The documentation keeps up with the code."""

import inspect
import re
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


def test_each_hook_is_documented_with_the_arguments_of_its_signature():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (maillage_\w+)\(([^)]*)\)", guide, re.MULTILINE))
    for name in (n for n in dir(hookspecs) if n.startswith("maillage_")):
        spec = list(inspect.signature(getattr(hookspecs, name)).parameters)
        heading = [a.strip() for a in documented.get(name, "").split(",") if a.strip()]
        assert heading == spec, f"docs/plugins.md documents {name}({', '.join(heading)}), the hook is {name}({', '.join(spec)})"
        section = guide.split(f"### {name}(", 1)[1].split("\n### ", 1)[0]
        for example in re.findall(rf"def {name}\(([^)]*)\)", section):
            used = [a.strip() for a in example.split(",") if a.strip()]
            assert set(used) <= set(spec), f"the example of {name} takes {used}, the hook gives {spec}"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./scripts/start.sh" in readme and "./scripts/test.sh" in readme
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
