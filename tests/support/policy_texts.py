"""Policy file texts the schema tests build on: the shipped example's path, and the smallest policy that loads."""

from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "escalation.toml"
MINIMAL = '[escalation]\naddresses = ["Escalation@Acme.example"]\n'
