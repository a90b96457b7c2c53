"""tqdm progress bars for library callbacks (stderr, so --json stdout stays clean)."""

from __future__ import annotations

import sys

from tqdm import tqdm


class StageBars:
    """Adapts ``progress(stage, done, total)`` callbacks to one tqdm bar per stage."""

    def __init__(self, disable: bool = False) -> None:
        self.disable = disable
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=stage, unit="seq", file=sys.stderr, disable=self.disable,
                       mininterval=0.5)
            self.bars[stage] = bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(max(0, done - bar.n))

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
