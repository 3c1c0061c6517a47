"""Reading topic names as readers type them: several at once, and a guess for a near miss.

`/subscribe إيران روسيا`, `/subscribe iran, russia`, `/subscribe إيران وروسيا` and
`/subscribe جنوب القوقاز` all work: the text is split at commas, and each part is read
word by word, longest name first, so a name of several words ("جنوب القوقاز") stays
whole. Words that name no topic stay together as one unknown name, with the topics whose
names it is closest to (`difflib`, over normalized names) as «هل تقصد …؟».
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.core.catalog import Catalog, Topic
from bot.core.normalize import normalize

MAX_WORDS_IN_NAME = 4  # the longest name a reader types ("war in ukraine", "الحرب في أوكرانيا")
MAX_SUGGESTIONS = 2
MAX_GUESSED, MAX_GUESSED_CHARS = 3, 64
NEAR_MISS = 0.75  # difflib ratio: "روسا" → روسيا, "sprots" → sports; not "mars" → markets
_SEPARATORS = re.compile(r"\s*[,،;؛]\s*|\s+(?:and|و)\s+")
_AND = "و"  # Arabic "and", written on the next word: «إيران وروسيا»


@dataclass(frozen=True)
class UnknownName:
    given: str
    suggestions: tuple[Topic, ...]  # near misses, closest first


@dataclass(frozen=True)
class TopicQuery:
    topics: tuple[Topic, ...]  # in the order typed, without repeats
    unknown: tuple[UnknownName, ...]


def read_topics(catalog: Catalog, text: str) -> TopicQuery:
    """Every topic `text` names, and what named none (with near misses)."""
    whole = catalog.find(text)
    if whole is not None:
        return TopicQuery((whole,), ())
    found: dict[str, Topic] = {}
    unknown: list[UnknownName] = []
    for part in _SEPARATORS.split(text.strip()):
        if not part.strip():
            continue
        topics, leftovers = _read_part(catalog, part.split())
        for topic in topics:
            found.setdefault(topic.id, topic)
        for given in leftovers:
            # Guesses cost a comparison with every name: only for the few a reply shows.
            guess = len(unknown) < MAX_GUESSED and len(given) <= MAX_GUESSED_CHARS
            unknown.append(UnknownName(given, near_misses(catalog, given) if guess else ()))
    return TopicQuery(tuple(found.values()), tuple(unknown))


def _read_part(catalog: Catalog, words: list[str]) -> tuple[list[Topic], list[str]]:
    """Longest name first at each word; runs of words that name nothing stay together."""
    topics: list[Topic] = []
    leftovers: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_WORDS_IN_NAME), i, -1):
            topic = _name(catalog, " ".join(words[i:j]))
            if topic is not None:
                if run:
                    leftovers.append(" ".join(run))
                    run = []
                topics.append(topic)
                i = j
                break
        else:
            run.append(words[i])
            i += 1
    if run:
        leftovers.append(" ".join(run))
    return topics, leftovers


def _name(catalog: Catalog, text: str) -> Topic | None:
    topic = catalog.find(text)
    if topic is None and text.startswith(_AND) and len(text) > 3:
        topic = catalog.find(text[len(_AND) :])
    return topic


def near_misses(catalog: Catalog, given: str) -> tuple[Topic, ...]:
    """The topics whose names `given` is closest to, if any is close enough."""
    names = catalog.names()
    close = difflib.get_close_matches(normalize(given), names, n=8, cutoff=NEAR_MISS)
    topics: dict[str, Topic] = {}
    for name in close:
        topic = names[name]
        topics.setdefault(topic.id, topic)
    return tuple(topics.values())[:MAX_SUGGESTIONS]
