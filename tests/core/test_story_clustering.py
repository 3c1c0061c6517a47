"""Filing articles into stories: paraphrases join, different events stay apart."""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.cluster import StoryDoc, StoryIndex, assign_stories
from bot.core.story_features import numbers, words
from tests.corpus.stories import DEV, load
from tests.paths import ROOT

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def warm_index() -> StoryIndex:
    """An index holding two days of other news, as the bot's always does: word and name
    statistics come from a real window, not from the handful of articles under test."""
    index = StoryIndex()
    for number, item in enumerate(load(DEV), start=1):
        published = T0 - timedelta(hours=44) + timedelta(minutes=number)
        index.add(StoryDoc(100_000 + number, item.title, item.text, published), 100_000 + number)
    return index


def file_alone(*docs: StoryDoc) -> dict[int, int]:
    return assign_stories(docs, [], index=warm_index())


def load_groups() -> list[tuple[str, str]]:
    with (ROOT / "tests" / "fixtures" / "headline_groups.toml").open("rb") as f:
        stories = tomllib.load(f)["story"]
    return [(s["id"], h) for s in stories for h in s["headlines"]]


@pytest.fixture(scope="module")
def clustered() -> dict[str, list[int]]:
    """Story ids given to each group's headlines, fed in an interleaved order."""
    headlines = load_groups()
    order = sorted(range(len(headlines)), key=lambda i: (i % 4, i))  # outlets publish in turn
    docs = [StoryDoc(n + 1, headlines[i][1], "", at(n)) for n, i in enumerate(order)]
    stories = assign_stories(docs, [], index=warm_index())
    groups: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(order):
        groups[headlines[i][0]].append(stories[n + 1])
    return groups


def test_different_stories_never_share_a_story_id(clustered: dict[str, list[int]]) -> None:
    owner: dict[int, str] = {}
    for group, story_ids in clustered.items():
        for story_id in story_ids:
            assert owner.setdefault(story_id, group) == group, (group, owner[story_id])


def test_same_story_from_several_outlets_is_one_story(clustered: dict[str, list[int]]) -> None:
    together = 0
    for group, story_ids in clustered.items():
        biggest = Counter(story_ids).most_common(1)[0][1]
        assert biggest >= len(story_ids) - 1, (group, story_ids)  # at most one paraphrase apart
        together += biggest == len(story_ids)
    assert together >= len(clustered) - 1


def test_lead_joins_a_paraphrased_headline() -> None:
    lead = "التقى الرئيس الروسي فلاديمير بوتين نظيره الصيني شي جين بينغ في بكين اليوم."
    first = StoryDoc(1, "بوتين يلتقي شي جين بينغ في بكين لبحث الشراكة الاستراتيجية", lead, T0)
    second = StoryDoc(2, "الرئيس الروسي يجري محادثات مع نظيره الصيني في بكين", lead, at(5))
    other = StoryDoc(3, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", "هزة أرضية.", at(9))
    assert file_alone(first, second, other) == {1: 1, 2: 1, 3: 3}


def test_epithets_and_english_wire_copy_join_the_story() -> None:
    docs = [
        StoryDoc(1, "بوتين يصل إلى باكو في زيارة رسمية تستمر يومين",
                 "وصل الرئيس الروسي فلاديمير بوتين إلى باكو في زيارة رسمية يلتقي خلالها علييف.",
                 T0),
        StoryDoc(2, "سيد الكرملين في العاصمة الأذربيجانية",
                 "حط الرئيس الروسي في العاصمة الأذربيجانية لإجراء محادثات مع الرئيس إلهام علييف.",
                 at(40)),
        StoryDoc(3, "Putin arrives in Baku for talks with Aliyev",
                 "Russian President Vladimir Putin arrived in Baku on Monday for a two-day state"
                 " visit and talks with Azerbaijani President Ilham Aliyev.", at(70)),
    ]  # fmt: skip
    assert file_alone(*docs) == {1: 1, 2: 1, 3: 1}


def test_template_headlines_about_different_teams_stay_apart() -> None:
    lead = "حجز المنتخب بطاقة التأهل إلى نهائيات كأس أمم أفريقيا بعد فوزه مساء الثلاثاء."
    docs = [
        StoryDoc(1, "منتخب المغرب يتأهل إلى نهائيات كأس أمم أفريقيا", lead, T0),
        StoryDoc(2, "منتخب مصر يتأهل إلى نهائيات كأس أمم أفريقيا", lead, at(20)),
        StoryDoc(3, "منتخب جورجيا يتأهل إلى نهائيات كأس أمم أوروبا", lead, at(30)),
        StoryDoc(4, "المغرب يحجز مقعده في نهائيات كأس أمم أفريقيا", lead, at(45)),
    ]
    assert file_alone(*docs) == {1: 1, 2: 2, 3: 3, 4: 1}


def test_two_central_banks_cutting_rates_the_same_day_are_two_stories() -> None:
    docs = [
        StoryDoc(1, "المركزي التركي يخفض سعر الفائدة 150 نقطة أساس",
                 "خفض البنك المركزي التركي سعر الفائدة الرئيسي إلى 28.5 بالمئة.", T0),
        StoryDoc(2, "المركزي المصري يخفض سعر الفائدة 100 نقطة أساس",
                 "خفض البنك المركزي المصري أسعار الفائدة إلى 16 بالمئة.", at(360)),
        StoryDoc(3, "Turkey's central bank cuts key rate to 28.5%",
                 "Turkey's central bank lowered its one-week repo rate by 150 basis points.",
                 at(370)),
    ]  # fmt: skip
    assert file_alone(*docs) == {1: 1, 2: 2, 3: 1}


def test_no_chain_across_a_bridging_article() -> None:
    """The visit is close to the article that bridges it to the earthquake, but shares
    nothing with the earthquake itself: it does not join that story."""
    quake = StoryDoc(
        1,
        "زلزال بقوة 5.4 درجات يضرب ولاية ملاطية شرقي تركيا",
        "أعلنت آفاد أن الزلزال ضرب ملاطية على عمق 9 كيلومترات ولا خسائر في الأرواح.",
        T0,
    )
    bridge = StoryDoc(
        2,
        "زلزال ملاطية يتصدر محادثات أردوغان وباشينيان في أنقرة",
        "بحث الرئيس التركي أردوغان ورئيس الوزراء الأرميني باشينيان في أنقرة"
        " تداعيات الزلزال الذي ضرب ملاطية بقوة 5.4 درجات.",
        at(120),
    )
    visit = StoryDoc(
        3,
        "أردوغان يستقبل باشينيان في أنقرة ويبحثان فتح الحدود",
        "استقبل الرئيس التركي رجب طيب أردوغان رئيس الوزراء الأرميني نيكول باشينيان"
        " في أنقرة لبحث فتح الحدود بين البلدين.",
        at(180),
    )
    index = warm_index()
    index.assign([bridge])
    assert index.compare(visit)[0].joins()  # close to the bridge alone
    assert file_alone(quake, bridge, visit) == {1: 1, 2: 1, 3: 3}


def test_same_words_days_apart_are_different_stories() -> None:
    earlier = StoryDoc(1, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", "", T0, story_id=1)
    later = StoryDoc(2, earlier.title, "", T0 + timedelta(days=5))
    assert assign_stories([later], [earlier]) == {2: 2}


def test_late_source_joins_the_existing_story() -> None:
    title = "أوبك بلس تمدد خفض إنتاج النفط حتى نهاية العام المقبل"
    earlier = StoryDoc(10, title, "", T0, story_id=7)
    late = StoryDoc(11, "تمديد خفض إنتاج النفط لتحالف أوبك بلس حتى نهاية العام القادم", "", at(30))
    assert assign_stories([late], [earlier], index=warm_index()) == {11: 7}


def test_filing_in_batches_is_filing_one_by_one() -> None:
    items = load(DEV)[:60]
    docs = [StoryDoc(n, i.title, i.text, i.published) for n, i in enumerate(items, start=1)]
    one_by_one = StoryIndex()
    expected = {d.id: one_by_one.assign([d])[d.id] for d in docs}
    batched = StoryIndex()
    got: dict[int, int] = {}
    for start in range(0, len(docs), 20):
        got |= batched.assign(docs[start : start + 20][::-1])  # any order within a batch
    assert got == expected


def test_an_article_filed_twice_keeps_its_story() -> None:
    index = StoryIndex()
    doc = StoryDoc(1, "زلزال يضرب ملاطية", "", T0)
    assert index.assign([doc]) == {1: 1}
    assert index.assign([doc]) == {1: 1}  # the first result was never stored


def test_numbers_read_alike_in_both_scripts_and_notations() -> None:
    assert numbers("ارتفع إلى ٢٤٫١٪ بعد 25.3 بالمئة") == {"24.1", "25.3"}
    assert numbers("قطع الكهرباء عن 400 ألف مشترك") == numbers("400,000 customers")
    assert numbers("في 2026 قتل 3") == frozenset()  # a year, a lone digit


def test_words_meet_across_clitics_and_spellings() -> None:
    assert words("وبالنفط النفط للنفط") == {"نفط": 3}
    assert words("الوزير والوزير وزير") == {"وزير": 3}  # وزير keeps its و
    assert words("إعلان أعلنت الأذربيجانية") == words("اعلان اعلنت الاذربيجانيه")


def test_words_keep_letters_outside_the_matching_alphabet() -> None:
    # Cyrillic is not in the one-byte alphabet: such words stay words, never placeholders.
    assert words("Путин прибыл в Баку, وصل بوتين") == {
        "путин": 1,
        "прибыл": 1,
        "баку": 1,
        "وصل": 1,
        "بوتين": 1,
    }
