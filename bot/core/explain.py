"""Why an article got its topics, in a form a person can check in a minute.

`mujaz classify --explain` prints this per article: every topic with evidence,
its score against the threshold and whether it was assigned (and why not), each
name that counted with the words that matched, where (title or text, at which
character of the normalized text) and what it added (an actor's name says so);
the theme words that fired, heaviest first, with what each added; what the feed's
evidence added; then the hits a rule set aside and the phrases that shadowed or
fired rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.core.catalog import split_entry
from bot.core.normalize import decode_normalized, normalize_bytes
from bot.core.topics import RELATIVE_SHARE, Classification, Classifier, FeedEvidence, Hit

SHOWN_PER_NAME = 4  # matched words listed per name; the rest are counted
SHOWN_THEME = 8  # theme words listed per topic, heaviest first; the rest are counted


@dataclass(frozen=True)
class Explanation:
    classifier: Classifier
    result: Classification
    original_title: str
    title: str  # normalized
    text: str  # normalized
    evidence: FeedEvidence | None = None

    def format(self, label: str = "") -> str:
        return "\n".join(self._lines(label))

    def _lines(self, label: str) -> list[str]:
        result, classifier = self.result, self.classifier
        head = f"── {label} " if label else "── "
        lines = [
            head + "─" * max(0, 72 - len(head)),
            f"title: {self.original_title}",
            f"normalized (offsets count here): {self.title}",
        ]
        assigned = ", ".join(f"{t} {result.scores[t]:g}" for t in result.topics) or "none"
        lines.append(f"topics: {assigned}")
        by_topic: dict[str, list[Hit]] = defaultdict(list)
        for hit in result.hits:
            by_topic[hit.keyword.topic_id].append(hit)
        contributions = classifier.entity_scores(result.hits, result.actors)
        leading = max(result.raw.values(), default=0.0)
        for topic_id in sorted(result.raw, key=lambda t: -result.raw[t]):
            score, threshold = result.raw[topic_id], classifier.threshold(topic_id)
            lines.append("")
            lines.append(
                f"{topic_id:<15} {score:>6g}  {self._verdict(topic_id, score, threshold, leading)}"
            )
            by_entity: dict[int, list[Hit]] = defaultdict(list)
            for hit in by_topic[topic_id]:
                by_entity[hit.keyword.entity].append(hit)
            ranked = sorted(by_entity.items(), key=lambda e: -contributions[e[0]])
            for entity, hits in ranked:
                if hits[0].keyword.theme:
                    continue
                spellings, weight = split_entry(hits[0].keyword.entry)
                matched = dict.fromkeys(h.keyword.text for h in hits)
                weak = " (weak)" if weight < 1 else ""
                actor = (
                    " (an actor: by an actor word in the text)" if entity in result.actors else ""
                )
                lines.append(
                    f"  +{contributions[entity]:<4g} {spellings[0]}{weak}{actor}: "
                    f"{', '.join(matched)}"
                )
                lines.append(f"         {self._where(hits)}")
            theme = [(entity, hits) for entity, hits in ranked if hits[0].keyword.theme]
            if theme:
                added = sum(contributions[entity] for entity, _ in theme)
                words = [
                    f"{self._word(h.in_title, h.position, h.end)} +{contributions[entity]:g}"
                    f" ({self._place(h.in_title, h.position)})"
                    for entity, (h, *_) in theme[:SHOWN_THEME]
                ]
                more = f" and {len(theme) - SHOWN_THEME} more" if len(theme) > SHOWN_THEME else ""
                lines.append(f"  +{added:<4g} theme: {', '.join(words)}{more}")
            if topic_id in result.feed:
                lines.append(f"  +{result.feed[topic_id]:<4g} feed: {self._feed(topic_id)}")
        for ignored in result.ignored:
            rule = classifier.rules[ignored.rule]
            seen = [c for c in result.context if ignored.rule in c.context.rules]
            because = ", ".join(
                f"«{c.context.text}» ({self._place(c.in_title, c.position)})" for c in seen
            )
            hit = ignored.hit
            lines.append(
                f"set aside for {rule.topic_id}: {hit.keyword.text} "
                f"«{self._word(hit.in_title, hit.position, hit.end)}» "
                f"({self._place(hit.in_title, hit.position)})"
                f" because of {because}"
            )
        for context in result.context:
            if context.context.shadows:
                word = (
                    f"«{context.context.text}» ({self._place(context.in_title, context.position)})"
                )
                lines.append(
                    f"shadowed: {word} hides the keywords inside it ({context.context.topic_id})"
                )
        if not result.raw:
            lines.append("no keyword counted for any topic")
        return lines

    def _verdict(self, topic_id: str, score: float, threshold: float, leading: float) -> str:
        if topic_id in self.result.scores:
            return f"✓ (threshold {threshold:g})"
        if score < threshold:
            return f"✗ below the threshold {threshold:g}"
        share = f"{RELATIVE_SHARE:.0%}"
        return f"✗ named only in the text, under {share} of the leading topic's {leading:g}"

    def _feed(self, topic_id: str) -> str:
        evidence = self.evidence
        sources = []
        if evidence and topic_id in self.classifier.category_topics(evidence.categories):
            sources.append("the item's categories (" + ", ".join(evidence.categories) + ")")
        if evidence and topic_id in evidence.topics:
            sources.append("the feed's section")
        return " and ".join(sources) or "the feed"

    def _where(self, hits: list[Hit]) -> str:
        shown = [
            f"{self._place(h.in_title, h.position)} «{self._word(h.in_title, h.position, h.end)}»"
            for h in hits[:SHOWN_PER_NAME]
        ]
        more = f" and {len(hits) - SHOWN_PER_NAME} more" if len(hits) > SHOWN_PER_NAME else ""
        return ", ".join(shown) + more

    @staticmethod
    def _place(in_title: bool, position: int) -> str:
        return f"{'title' if in_title else 'text'}@{position}"

    def _word(self, in_title: bool, position: int, end: int) -> str:
        """The whole normalized words the hit is in (prefix and suffix included)."""
        text = self.title if in_title else self.text
        start = text.rfind(" ", 0, position) + 1
        stop = text.find(" ", end)
        return text[start : stop if stop != -1 else len(text)]


def explain(
    classifier: Classifier, title: str, text: str, evidence: FeedEvidence | None = None
) -> Explanation:
    """Classify and keep the normalized text, for `Explanation.format`."""
    padded_title = b" " + normalize_bytes(title) + b" "
    padded_text = b" " + normalize_bytes(text) + b" "
    result = classifier.classify_normalized(padded_title, padded_text, evidence)
    return Explanation(
        classifier,
        result,
        title.strip(),
        decode_normalized(padded_title[1:-1]),
        decode_normalized(padded_text[1:-1]),
        evidence,
    )
