"""Every module of the package stays small enough to read in one sitting (as `ruff format` writes it)."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zendesk_escalator"
LIMIT = 250


def test_no_module_is_over_the_limit():
    sizes = {str(path.relative_to(PACKAGE)): len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")}
    assert len(sizes) > 100  # the walk found the package
    assert {name: lines for name, lines in sizes.items() if lines > LIMIT} == {}
