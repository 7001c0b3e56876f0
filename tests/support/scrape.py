"""Read /metrics as Prometheus does: prometheus_client's own text parser, samples by name and labels."""

from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    """The samples of one /metrics answer."""

    def __init__(self, text: str):
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples = {
            (s.name, frozenset(s.labels.items())): s.value for family in self.families.values() for s in family.samples
        }

    def value(self, name: str, **labels) -> float | None:
        """The sample with exactly these labels, or None when absent."""
        return self.samples.get((name, frozenset((k, str(v)) for k, v in labels.items())))

    def total(self, name: str, **labels) -> float:
        """The sum of the samples of `name` whose labels include these."""
        wanted = {(k, str(v)) for k, v in labels.items()}
        return sum(value for (sample, found), value in self.samples.items() if sample == name and wanted <= found)

    def by(self, name: str, *labels: str) -> dict[tuple[str, ...], float]:
        """The samples of `name` keyed by the values of these labels."""
        return {
            tuple(dict(found)[label] for label in labels): value
            for (sample, found), value in self.samples.items()
            if sample == name
        }
