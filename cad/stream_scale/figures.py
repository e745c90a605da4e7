"""What reached the consoles, from their real arrivals."""

from dataclasses import dataclass

DEADLINE = 10.0  # a console x call pair delivered later than this is not reached


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Delivery:
    """What reached the consoles of one case."""

    consoles: int
    calls: int
    latencies: list[float]  # ms, of each console x call pair delivered within DEADLINE
    dropped: int = 0
    duplicates: int = 0

    @classmethod
    def of(cls, consoles: int, sent: dict[str, float], arrivals: dict[str, list[float]],
           dropped: int = 0) -> "Delivery":
        latencies, duplicates = [], 0
        for number, before in sent.items():
            times = arrivals.get(number, [])
            duplicates += max(0, len(times) - consoles)
            latencies += [(at - before) * 1000 for at in times[:consoles] if at - before <= DEADLINE]
        return cls(consoles, len(sent), latencies, dropped, duplicates)

    @property
    def reach(self) -> float:
        expected = self.consoles * self.calls
        return len(self.latencies) / expected if expected else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) if self.latencies else float("nan")
