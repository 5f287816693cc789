"""The weekly digest as text, Markdown, self-contained HTML and JSON."""

from __future__ import annotations

import base64
import html
import json

from feedback.digest import Digest, ThemeSummary

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "markdown", "html", "json")
TOO_FEW = "too few responses to show"


def _trend(theme: ThemeSummary) -> str:
    change = theme.count - theme.previous
    if change == 0:
        return "same as the week before"
    return f"{'up' if change > 0 else 'down'} {abs(change)} on the week before ({theme.previous})"


def _sentiment(theme: ThemeSummary) -> str:
    if theme.sentiment is None:
        return ""
    mood = (
        "negative" if theme.sentiment < -0.05 else "positive" if theme.sentiment > 0.05 else "mixed"
    )
    return f"mood {theme.sentiment:+.2f} ({mood})"


def _period(digest: Digest) -> str:
    first = digest.week.monday
    return f"{digest.week.label}, week of {first.day} {first:%B %Y}"


def render_text(digest: Digest) -> str:
    lines = [
        f"What GPs said - {_period(digest)}",
        f"{digest.responses} responses, {digest.comments} comments "
        f"({digest.unthemed} on no theme).",
        "",
    ]
    for theme in digest.themes:
        detail = ", ".join(x for x in (_trend(theme), _sentiment(theme)) if x)
        lines.append(f"{theme.label}: {theme.count} comments, {detail}")
        if theme.too_few:
            lines.append(f"  ({TOO_FEW})")
        for quote in theme.quotes:
            lines.append(f'  "{quote.text}"')
        if theme.phrases:
            lines.append("  Phrases: " + "; ".join(theme.phrases))
    lines.append("")
    lines.append("Ratings:")
    if not digest.targets:
        lines.append("  none this week")
    for target in digest.targets:
        if target.too_few:
            lines.append(f"  {target.title}: {target.responses} responses ({TOO_FEW})")
        else:
            average = f"{target.average_rating:.1f}/5" if target.average_rating else "no ratings"
            spread = " ".join(f"{n + 1}*:{c}" for n, c in enumerate(target.distribution))
            lines.append(f"  {target.title}: {target.responses} responses, {average} [{spread}]")
    q = digest.questions
    lines += ["", f"Questions: {q.asked} asked, {q.answered} answered, {q.unhelpful} unhelpful."]
    for item in q.unanswered:
        lines.append(f"  unanswered x{item.count}: {item.text}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape Markdown so that users' words cannot become links, images or markup."""
    for ch in "\\`*_{}[]()#+!|<>~&":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def render_markdown(digest: Digest) -> str:
    out = [
        f"# What GPs said: {_period(digest)}",
        "",
        f"{digest.responses} responses, {digest.comments} comments "
        f"({digest.unthemed} on no theme).",
        "",
        "| theme | comments | previous week | mood |",
        "|---|---|---|---|",
    ]
    for theme in digest.themes:
        mood = f"{theme.sentiment:+.2f}" if theme.sentiment is not None else "-"
        out.append(f"| {theme.label} | {theme.count} | {theme.previous} | {mood} |")
    for theme in digest.themes:
        out += ["", f"## {theme.label}", "", f"{theme.count} comments, {_trend(theme)}."]
        if theme.too_few:
            out.append(f"\n_{TOO_FEW}_")
        out += [f"\n> {_md(q.text)}" for q in theme.quotes]
        if theme.phrases:
            out.append("\nPhrases: " + "; ".join(_md(p) for p in theme.phrases))
    out += ["", "## Ratings", ""]
    for target in digest.targets:
        average = (
            TOO_FEW
            if target.too_few
            else f"{target.average_rating:.1f}/5"
            if target.average_rating
            else "no ratings"
        )
        out.append(f"- {_md(target.title)}: {target.responses} responses, {average}")
    if not digest.targets:
        out.append("None this week.")
    q = digest.questions
    out += [
        "",
        "## Questions",
        "",
        f"{q.asked} asked, {q.answered} answered, {q.unhelpful} found unhelpful.",
    ]
    out += [f"- ({item.count}x) {_md(item.text)}" for item in q.unanswered]
    return "\n".join(out) + "\n"


def render_html(digest: Digest, chart_png: bytes | None = None) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>What GPs said: {e(digest.week.label)}</title>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">",
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;color:#212b32}blockquote{border-left:4px solid #005eb8;margin:.5rem 0;"
        "padding:.2rem .8rem;background:#f0f4f5}table{border-collapse:collapse}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #d8dde0;text-align:left}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>What GPs said</h1><p>{e(_period(digest))}: {digest.responses} responses, "
        f"{digest.comments} comments ({digest.unthemed} on no theme).</p>",
    ]
    if chart_png:
        encoded = base64.b64encode(chart_png).decode()
        parts.append(
            f"<img alt='Comments per theme over eight weeks' src='data:image/png;base64,{encoded}'>"
        )
    for theme in digest.themes:
        parts.append(
            f"<h2>{e(theme.label)}</h2><p>{theme.count} comments, {e(_trend(theme))}"
            f"{'; ' + e(_sentiment(theme)) if theme.sentiment is not None else ''}.</p>"
        )
        if theme.too_few:
            parts.append(f"<p><em>{TOO_FEW}</em></p>")
        parts += [f"<blockquote>{e(q.text)}</blockquote>" for q in theme.quotes]
        if theme.phrases:
            parts.append("<p>Phrases: " + "; ".join(e(p) for p in theme.phrases) + "</p>")
    parts.append(
        "<h2>Ratings</h2><table><tr><th>roadshow or article</th><th>responses</th>"
        "<th>average</th></tr>"
    )
    for target in digest.targets:
        average = (
            TOO_FEW
            if target.too_few
            else f"{target.average_rating:.1f}/5"
            if target.average_rating
            else "-"
        )
        parts.append(
            f"<tr><td>{e(target.title)}</td><td>{target.responses}</td><td>{e(average)}</td></tr>"
        )
    q = digest.questions
    parts.append(
        f"</table><h2>Questions</h2><p>{q.asked} asked, {q.answered} answered, "
        f"{q.unhelpful} found unhelpful.</p><ul>"
    )
    parts += [f"<li>{item.count}&times; {e(item.text)}</li>" for item in q.unanswered]
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"


def render(digest: Digest, fmt: str, chart_png: bytes | None = None) -> str:
    if fmt == "json":
        return json.dumps(digest.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest, chart_png)
    return render_text(digest)
