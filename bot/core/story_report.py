"""What `mujaz stories` prints: the stories filed lately, and why an article is in its story.

Plain text for an operator's terminal, Arabic and English as the articles have them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from bot.core.cluster import FLOOR, Candidate, Model, StoryDoc
from bot.core.digest import StoryArticle
from bot.core.entities import Mention, as_written


def stories(articles: Iterable[StoryArticle]) -> str:
    """One block per story, the most recently active first: its articles, earliest first."""
    by_story: dict[int, list[StoryArticle]] = defaultdict(list)
    for article in articles:
        by_story[article.story_id].append(article)
    if not by_story:
        return "no stories in that window"
    blocks = []
    for story_id, members in sorted(
        by_story.items(), key=lambda s: max(a.published_at for a in s[1]), reverse=True
    ):
        members.sort(key=lambda a: (a.published_at, a.id))
        outlets = len({a.source for a in members})
        span = f"{_time(members[0].published_at)}–{_time(members[-1].published_at)}"
        counts = f"{_count(len(members), 'article')} · {_count(outlets, 'outlet')}"
        lines = [f"story {story_id} · {counts} · {span}"]
        lines += [
            f"  {a.id:>7} {_time(a.published_at)}  {a.source[:18]:<18}  {a.title}" for a in members
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def explanation(
    doc: StoryDoc,
    candidates: Sequence[Candidate],
    titles: Mapping[int, str],
    *,
    threshold: float,
    model: Model,
) -> str:
    """Why `doc` is where it is: each story it was compared with, and what they share."""
    lines = [f"article {doc.id} · {_time(doc.published_at)} · {doc.title}"]
    if doc.story_id is None:
        lines.append("not filed yet")
    elif doc.story_id == doc.id:
        lines.append("filed as a story of its own")
    else:
        lines.append(f"filed under story {doc.story_id} «{titles.get(doc.story_id, '?')}»")
    if not candidates:
        lines.append("no story of the window shares a name, a number or rare wording with it")
    for candidate in candidates:
        lines += _candidate(candidate, doc, titles, threshold=threshold, model=model)
    return "\n".join(lines)


def _candidate(
    c: Candidate, doc: StoryDoc, titles: Mapping[int, str], *, threshold: float, model: Model
) -> list[str]:
    head = f"  story {c.story_id} «{titles.get(c.story_id, '?')}»"
    if c.conflict:
        mine, theirs = (", ".join(sorted(x)) for x in c.conflict)
        return [f"{head}: apart, it names {theirs}; the article only {mine}"]
    p = c.probability(model)
    far = c.farthest
    if p < threshold:
        verdict = f"apart, p {p:.2f} < {threshold:.2f}"
    elif far is not None and far[1] < FLOOR:
        verdict = (
            f"apart, p {p:.2f} but nothing in common with article {far[0]}"
            f" (affinity {far[1]:.2f} < {FLOOR:.2f})"
        )
    else:
        verdict = f"together, p {p:.2f} ≥ {threshold:.2f}"
    parts = c.parts
    wording = f"{parts.wording:.2f}" if parts.same_script else "none in this script"
    lines = [
        f"{head}: {verdict}",
        f"    names {parts.names:.2f} · concepts {parts.concepts:.2f} · wording {wording}"
        f" · {parts.hours:.1f} h from its nearest article",
    ]
    named = _shared(doc, (m for m in c.shared if m.entity.kind != "concept"))
    concepts = _shared(doc, (m for m in c.shared if m.entity.kind == "concept"))
    if named:
        lines.append(f"    shared names: {named}")
    if concepts:
        lines.append(f"    shared concepts: {concepts}")
    if c.shared_numbers:
        lines.append(f"    shared numbers: {', '.join(sorted(c.shared_numbers))}")
    if far is not None and far[1] >= FLOOR:
        lines.append(f"    least alike: article {far[0]} (affinity {far[1]:.2f})")
    return lines


def _shared(doc: StoryDoc, mentions: Iterable[Mention]) -> str:
    """«Putin (الرئيس الروسي, by epithet; بوتين)»: each entity once, with how it was written."""
    spellings: dict[str, list[str]] = {}
    for m in mentions:
        written = as_written(doc.title if m.in_title else doc.lead, m)
        words = f"{written}, by epithet" if m.epithet else written
        seen = spellings.setdefault(m.entity.label, [])
        if words not in seen:
            seen.append(words)
    return "; ".join(f"{label} ({'; '.join(ws)})" for label, ws in spellings.items())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
