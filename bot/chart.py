"""The digest chart: comments per theme over the last eight weeks, as a PNG (matplotlib)."""

from __future__ import annotations

import io
import logging

from feedback.digest import Digest

__all__ = ["theme_chart"]

log = logging.getLogger("pcnbot.chart")
_COLOURS = ("#005eb8", "#da291c", "#ffb81c", "#009639", "#7c2855", "#00a499")


def theme_chart(digest: Digest) -> bytes | None:
    """A PNG line chart, or None (logged) if it cannot be drawn: the digest goes out anyway."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        figure, axes = plt.subplots(figsize=(8, 3.6), dpi=110)
        try:
            weeks = [label.split("-")[1] for label in digest.series_weeks]
            for n, theme in enumerate(digest.themes):
                axes.plot(
                    weeks,
                    theme.series,
                    marker="o",
                    label=theme.label,
                    color=_COLOURS[n % len(_COLOURS)],
                )
            axes.set_title(f"Comments per theme, 8 weeks to {digest.week.label}")
            axes.set_ylabel("comments")
            axes.set_ylim(bottom=0)
            axes.grid(axis="y", alpha=0.3)
            axes.legend(loc="upper left", fontsize="small", frameon=False)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            return buffer.getvalue()
        finally:
            plt.close(figure)
    except Exception as exc:  # a chart is a nicety; never let it stop the digest
        log.warning("could not draw the digest chart: %s", exc.__class__.__name__)
        return None
