"""An article's story features are what their definition says, built however fast: the
compiled pass over the normalized bytes, the one automaton scan of headline and lead and
the number scanner give the values, counts and orders of the plain definitions below."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

import pytest

from bot.core import story_features
from bot.core.entities import Entities, _add_acronyms, _any_acronym, load_entities
from bot.core.matcher import Matcher
from bot.core.morphology import compile_form
from bot.core.normalize import normalize, normalize_bytes, normalize_padded
from bot.core.story_features import (
    TITLE_WEIGHT,
    Features,
    features,
    hours,
    numbers,
    script,
    words,
)
from tests.corpus import evaluate, stories

EDGES = [
    "",
    " ",
    "\u200b",
    "x",
    "\x00a\tb\n",
    "ﺑﺎﻛﻮ ﻷن",  # presentation forms
    "Москва и Баку",  # letters outside the matching alphabet
    "Жизнь 😀 ٣٫٥ باكو",
    "Zürich  RUSSIA's US-led",
    "٢٠٢٤ و۱۲ «باكو»، ٥٠٪ ٣٫٥ ۴٬۵۰۰",
    "US and UK back the UN plan; the U.S. and the EU, us too",
    "بوتين يصل إلى باكو",
    "وصل الرئيس الروسي إلى العاصمة الأذربيجانية باكو اليوم.",
    "Putin met Aliyev in Baku, the US said: 5.4 million, 400,000 and 28.5%",
    "وبالنفط النفط للنفط والنفط الأمن",
    "الرئيس",  # a headline whose last word starts a lead's entity: «الرئيس» + «الروسي»
    "الروسي يصل",
    "باكو 400 ألف و400,000 و3 ملايين 1999 2024 ٧",
    "400",  # a headline ending in a number, a lead starting with its scale
    "ألف شخص",
    "fullwidth ５５５ and superscript ²³ and Devanagari ४५६",
    "1,2 1.2.3 12,345,678 ,5 5, 0.5 1e5 ١٬٢٣٤",
]


@cache
def _texts() -> list[tuple[str, str]]:
    pairs = [(title, lead) for title in EDGES for lead in EDGES]
    pairs += [(item.title, item.text) for item in stories.load(stories.DEV)]
    for name, path in evaluate.SETS.items():
        if name not in evaluate.BLIND:
            pairs += [(a.title, a.text.split("\n")[0][:400]) for a in evaluate.load(path)]
    return pairs


def _bare_words(text: str) -> list[str]:
    return [story_features._strip(w) for w in normalize(text).split() if len(w) >= 3]


_NUMBER = re.compile(
    r"(\d+(?:[.,]\d+)*)\s*(ألف|آلاف|الف|مليون|ملايين|مليار|thousand|million|billion)?"
)


def _numbers(text: str) -> frozenset[str]:
    """The definition: every match of the number pattern, digits translated to ASCII."""
    if not re.search("[0-9٠-٩۰-۹]", text):
        return frozenset()
    text = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789."))
    found = set()
    for match in _NUMBER.finditer(text):
        raw, scale = match.groups()
        raw = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            continue
        value *= story_features._SCALE[scale] if scale else 1
        if not ((value < 10 and value == int(value)) or (1900 <= value <= 2100 and not scale)):
            found.add(f"{value:g}")
    return frozenset(found)


def _defined(title: str, lead: str, entities: Entities) -> Features:
    """Features as defined, from the mentions `Entities.find` builds and the words of
    `normalize`: what `features` must equal."""
    mentioned: Counter[int] = Counter()
    for mention in entities.find(title, lead):
        mentioned[mention.entity.number] += TITLE_WEIGHT if mention.in_title else 1
    found: Counter[str] = Counter(_bare_words(lead))
    for word in dict.fromkeys(_bare_words(title)):
        found[word] += TITLE_WEIGHT
    sample = (title or lead)[:200]
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in sample)
    return Features(
        "ar" if arabic * 3 > len(sample) - sample.count(" ") else "latin",
        mentioned,
        frozenset(c for n in mentioned if (c := entities.countries[n])),
        found,
        _numbers(f"{title}\n{lead}"),
    )


def _fields(f: Features) -> tuple[object, ...]:
    """Every field, with the order of its counts and sets (cluster.py iterates them)."""
    return (
        f.script,
        type(f.entities),
        list(f.entities.items()),
        list(f.countries),
        type(f.words),
        list(f.words.items()),
        sorted(f.numbers),
    )


def test_features_are_their_definition_with_counts_in_first_mention_order() -> None:
    entities = load_entities()
    for title, lead in _texts():
        got, expected = features(title, lead, entities), _defined(title, lead, entities)
        assert got == expected, (title, lead)
        assert _fields(got) == _fields(expected), (title, lead)


def test_a_headline_and_lead_scanned_together_name_what_each_names_alone() -> None:
    entities = load_entities()
    for title, lead in _texts()[: len(EDGES) ** 2]:
        alone = (
            entities.find_numbers(title, normalize_bytes(title))[0],
            entities.find_numbers("", b"", lead, normalize_bytes(lead))[1],
        )
        together = entities.find_numbers_padded(
            title, normalize_padded(title), lead, normalize_padded(lead)
        )
        assert together == alone, (title, lead)
    # «الرئيس» ending the headline and «الروسي» starting the lead are not Russia's president
    in_title, in_lead = entities.find_numbers_padded(
        "الرئيس", normalize_padded("الرئيس"), "الروسي يصل", normalize_padded("الروسي يصل")
    )
    assert entities["russia/president"].number not in in_title + in_lead


def test_a_word_with_a_proclitic_is_matched_whole_before_a_longer_spelling_inside_it() -> None:
    """«لمنتخب الفلسطينيين»: the entity layer's whole-word variants (ل + منتخب) start at the
    proclitic, so they win leftmost-longest over the team's own two-word spelling, which
    starts at «منتخب» and is then rejected for its plural ending, taking the country with
    it. Without the variants (stems alone: a fifth of the automaton) the country is lost."""
    entities = load_entities()
    for text, named in (
        ("فوز تاريخي لمنتخب الفلسطينيين على الكويت", ("palestine", "kuwait")),
        ("هدف قاتل لمنتخب الأمريكيين", ("usa",)),
    ):
        found = {m.entity.id for m in entities.find(text)}
        assert {"concept:national_team_word", *named} <= found, text


NUMBERS = [
    "1.2. 1,,2 1., ,1 12,345.67 1,234,56 ١٬٢٣٤٫٥ ٣٫ 1.٣ ٣.1 1٫5 5 ٫5 12٫",
    "5 \u00a0مليون 5\tmillion 5millionaire 6\u2003ألف 7\n\nآلاف 8 ملايينx 9billion",
    "١٢ الف ١٣ألفا 14 thousands 15 Million १२३ thousand ४५.६ ５５ and 55 ５.５",
    "2024 2,024 1900.5 2100 2101 1899 9.0 10 09 007 0.5 5e3 ⁵ ½ 12½",
    "رقم 33 ثم 44.",
]


def test_numbers_are_every_match_of_the_number_pattern() -> None:
    for text in [*NUMBERS, *EDGES, *(f"{t}\n{lead}" for t, lead in _texts())]:
        assert numbers(text) == _numbers(text), text
    assert numbers("400\nألف شخص") == {"400000"}  # the scale on the next line counts
    assert numbers("٣٫٥ و۲۸٫۵ و١٬٢٣٤") == {"3.5", "28.5", "234"}  # ٫ is a decimal point, ٬ not
    assert numbers("fullwidth ５５") == frozenset()  # none of the digits it looks for
    assert numbers("٥٥ and ５５") == {"55"}  # then any decimal digit, as the pattern's \d


def test_script_is_arabic_when_a_third_of_the_first_200_letters_are() -> None:
    assert script("بوتين يصل إلى باكو") == "ar"
    assert script("Putin arrives in Baku") == "latin"
    assert script("Putin said in باكو") == "latin"  # 4 Arabic letters of 15
    assert script("Putin in باكو") == "ar"  # 4 of 11
    assert script("x" * 200 + "باكو" * 100) == "latin"  # only the first 200 characters
    assert script("") == "latin"


def test_words_count_each_word_once_a_mention_without_its_proclitic() -> None:
    assert words("وبالنفط النفط للنفط في الأمن") == Counter({"نفط": 3, "امن": 1})
    assert words("Москва и Баку Баку") == Counter({"москва": 1, "баку": 2})  # the general way
    assert words("") == Counter()
    assert type(words("نفط")) is Counter


@pytest.mark.parametrize("title", ["", "بوتين يصل إلى باكو", "Москва و باكو"])
def test_features_built_without_init_equal_the_dataclass(title: str) -> None:
    built = features(title, "الرئيس الروسي في باكو ٥٫٤ مليار", load_entities())
    assert built == Features(
        built.script, built.entities, built.countries, built.words, built.numbers
    )
    with pytest.raises(AttributeError):  # still frozen
        built.script = "latin"  # type: ignore[misc]


def test_the_quick_acronym_check_agrees_with_the_acronym_pattern() -> None:
    entities = load_entities()
    pattern = entities._acronym_re
    assert pattern is not None
    texts = [title for title, _ in _texts()] + [lead for _, lead in _texts()]
    texts += ["US", "USA", "xUS", ".US", "_US", "US_", "US2", "ÉUS", "UK's", "(UN)", "U.S."]
    texts += ["the U.S.-led", "EU.", "EUR", "٣US", "US٣", "DRC-Congo", "KSA\u0301", "au UN"]
    letters, acronyms = entities._acronym_letters, entities._acronym_words
    numbers = entities._acronym_entities
    texts += ["USUK", "US UK", "US.UK", "US,UK US", "UKUS UK", "the US' and UK's"]
    for text in texts:
        expected = pattern.search(text) is not None
        assert _any_acronym(text, letters, acronyms) == expected, text
        assert entities._has_acronym(text) == expected, text
        # every match, in order, as the pattern's finditer finds them
        found: list[int] = []
        _add_acronyms(text, letters, acronyms, numbers, found)
        assert found == entities._acronym_numbers(text), text


def test_a_word_loses_the_longest_proclitic_that_leaves_three_letters() -> None:
    # Every proclitic before stems of one to four letters, and stacked twice: the bytes'
    # way (a word new to the cache, its proclitic found among the normalized bytes) gives
    # what `_strip` gives the normalized text.
    story_features._forget_words()
    stems = ["ظ", "ظغ", "ظغث", "ظغثخ", "الظغ", "للظغث"]
    prefixes = ["", *story_features._PROCLITICS, "و", "ب", "ف", "ك", "وو"]
    found = [p + s for p in prefixes for s in stems] + story_features._PROCLITICS
    found += [p + q + "ظغث" for p in story_features._PROCLITICS for q in ("ال", "لل", "وال")]
    text = " ".join(found)
    assert words(text) == Counter(_bare_words(text))
    assert list(words(text)) == list(Counter(_bare_words(text)))


def test_words_new_to_the_cache_many_or_long_are_stripped_as_the_text_says() -> None:
    # Thousands of words new to the cache (its table grows, the words move), and words
    # longer than its slots hold, give what `_strip` gives; then each again, from it.
    story_features._forget_words()
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    made = [a + b + c + "ات" for a in letters for b in letters for c in letters[:12]]
    made += ["وبال" + w for w in made[::7]] + ["للمستشفيات" * 3, "والاستراتيجيات" * 2]
    for _ in range(2):
        for at in range(0, len(made), 500):
            text = " ".join(made[at : at + 500])
            assert words(text) == Counter(_bare_words(text))
            assert list(words(text)) == list(Counter(_bare_words(text)))


def test_made_up_words_by_the_hundred_thousand_do_not_grow_the_word_caches_past_their_bound() -> (
    None
):
    # A hostile feed can send any number of words never seen before, short and long;
    # each cache of bare words is emptied at its bound rather than growing with them.
    story_features._forget_words()
    *_, bound = story_features.cached_words()
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def made_up(n: int, length: int) -> str:
        word = []
        for _ in range(length):
            n, digit = divmod(n, len(letters))
            word.append(letters[digit])
        return "".join(word)

    for long in (False, True):
        most = 0
        for start in range(0, bound + 1_000, 2_000):
            text = " ".join(made_up(n, 17 if long else 5) for n in range(start, start + 2_000))
            features("", text, load_entities())
            most = max(most, story_features.cached_words()[1 if long else 0])
        assert most <= bound


def test_hours_are_the_timestamp_in_hours_to_the_last_bit_in_any_zone() -> None:
    # Compiled, a moment in UTC takes the way of C integers: the same double as
    # timestamp() gives, up to where a double no longer holds its microseconds (2255).
    rng = random.Random(11)
    utc, east = UTC, timezone(timedelta(hours=3, minutes=30))
    moments = [
        datetime(1970, 1, 1, tzinfo=utc),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=utc),
        datetime(1, 1, 1, tzinfo=utc),
        datetime(2255, 6, 5, 23, 47, 34, 740_991, tzinfo=utc),
        datetime(2255, 6, 5, 23, 47, 34, 740_993, tzinfo=utc),
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=utc),
        datetime(2026, 10, 1, 5, 24, 54, 890_445, tzinfo=east),
        datetime(2026, 10, 1, 5, 24, 54, 890_445),  # naive: local time
    ]
    start = datetime(1900, 1, 1, tzinfo=utc)
    moments += [start + timedelta(microseconds=rng.randrange(10**16)) for _ in range(5_000)]
    for moment in moments:
        assert hours(moment) == moment.timestamp() / 3600, moment


def test_numbers_by_the_ten_thousand_do_not_grow_the_number_cache_past_its_bound() -> None:
    # Each number a text states is remembered, to be looked up when news repeats it; a
    # hostile feed's numbers never seen before empty the cache at its bound.
    *_, bound = story_features.cached_numbers()
    most = 0
    for start in range(0, bound + 2_000, 1_000):
        text = " ".join(f"{n}.5" for n in range(start, start + 1_000))
        assert numbers(text) == _numbers(text)
        assert numbers(text) == _numbers(text)  # (the second time, from the cache)
        most = max(most, story_features.cached_numbers()[0])
    assert 0 < most <= bound


def test_a_headline_counts_each_bare_form_once_however_many_words_it_has() -> None:
    # A headline's words are counted once each, by their bare forms: the same word again,
    # another word with the same bare form (النفط، للنفط), and past the 64 words the
    # compiled pass keeps in C.
    entities = load_entities()
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    made = [a + b + c for a in letters[:5] for b in letters[:5] for c in letters[:4]]
    for size in (3, 63, 64, 65, 100):
        title = " ".join([*made[:size], "النفط", "نفط", "للنفط", *made[size::-1], "نفط"])
        lead = "النفط " + " ".join(made[:10])
        got, expected = features(title, lead, entities), _defined(title, lead, entities)
        assert _fields(got) == _fields(expected), size
        assert got.words["نفط"] == 1 + TITLE_WEIGHT
        assert got.words[made[0]] == 1 + TITLE_WEIGHT
        assert set(got.words.values()) <= {1, TITLE_WEIGHT, 1 + TITLE_WEIGHT}


def test_the_raw_matches_bound_once_are_the_matchers_matches() -> None:
    # The entity layer scans with what `Matcher.matches` calls, bound once; an overlapping
    # matcher (readers' phrases) and one without patterns keep `matches` itself.
    entities = load_entities()
    matcher = entities._matcher
    texts = [normalize_padded(t) + b"\x00" + normalize_padded(lead) for t, lead in _texts()]
    for text in texts:
        assert matcher.raw_matches()(text) == matcher.matches(text)
    forms = [(compile_form(s), s) for s in ("باغ", "قره باغ")]
    overlapping = Matcher(forms, overlapping=True)
    text = normalize_padded("في قره باغ")
    assert overlapping.raw_matches()(text) == overlapping.matches(text)
    assert len(overlapping.matches(text)) == 2
    assert Matcher([]).raw_matches()(text) == []


def test_entity_mentions_by_the_dozen_are_counted_as_a_few_are() -> None:
    # Compiled, an article's mentions are counted in C arrays of 64; more take the general
    # way. Either way: a headline's twice each, in the order of first mention.
    entities = load_entities()
    for times in (1, 31, 32, 33, 64, 80):
        title = "بوتين في أذربيجان"
        lead = " ".join(["روسيا", "أذربيجان"] * times) + " بوتين"
        got, expected = features(title, lead, entities), _defined(title, lead, entities)
        assert _fields(got) == _fields(expected), times
        assert got.entities[entities["azerbaijan"].number] == times + TITLE_WEIGHT, times
