"""`mujaz classify --explain`: a wrong label can be traced to the words that made it."""

import io
import json

import pytest

from bot.cli import main
from bot.core.explain import explain
from bot.core.topics import Catalog, Classifier, FeedEvidence
from tests.paths import TEMPLATES, seed_article


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Catalog.load(TEMPLATES / "topics.toml"))


def test_names_each_keyword_where_it_fired_and_what_it_added(classifier: Classifier) -> None:
    text = explain(classifier, "قمة في باكو", "وصل الوفد إلى وبباكو ثم إلى يريفان").format("a1")
    lines = text.splitlines()
    assert lines[0].startswith("── a1 ")
    assert "topics: south_caucasus 4.5" in text  # 3 + 0.5 for Baku again, 1 for Yerevan
    assert "south_caucasus     4.5  ✓ (threshold 3)" in text
    assert "  +3.5  باكو: باكو" in lines
    assert "title@7 «باكو», text@16 «وبباكو»" in text  # offsets in the normalized text
    assert "  +1    يريفان: يريفان" in lines


def test_says_why_a_topic_was_not_given(classifier: Classifier) -> None:
    title, body = seed_article()
    text = explain(classifier, title, body).format()
    assert "iran                 3  ✗ named only in the text, under 25%" in text
    assert "turkey               1  ✗ below the threshold 3" in text


def test_shows_what_a_rule_set_aside_and_why(classifier: Classifier) -> None:
    text = explain(classifier, "إطلاق نار في جورجيا", "قالت شرطة أتلانتا").format()
    assert "set aside for south_caucasus: جورجيا «جورجيا» (title@13) because of «أتلانتا»" in text
    assert "no keyword counted for any topic" in text


def test_shows_a_shadowing_phrase(classifier: Classifier) -> None:
    text = explain(classifier, "فيضانات في شمال القوقاز", "").format()
    assert "russia" in text
    assert "«شمال القوقاز» (title@11) hides the keywords inside it (south_caucasus)" in text


def test_cli_explain_prints_text_and_plain_classify_keeps_its_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = json.dumps({"id": "x1", "title": "قمة في باكو", "text": ""}, ensure_ascii=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    assert main(["classify", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("── x1 ") and "باكو: باكو" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    assert main(["classify"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "id": "x1",
        "topics": ["south_caucasus"],
        "scores": {"south_caucasus": 3.0},
    }


def test_shows_the_theme_words_and_the_feed_evidence(classifier: Classifier) -> None:
    evidence = FeedEvidence(categories=("اقتصاد",))
    text = explain(
        classifier, "المركزي يرفع الفائدة ويحذر من التضخم", "تراجعت الأسواق", evidence
    ).format()
    assert "economy" in text and "✓" in text
    theme = next(line for line in text.splitlines() if "theme:" in line)
    assert "الفايده +3 (title@" in theme and "التضخم +3 (title@" in theme  # heaviest first
    assert "feed: the item's categories (اقتصاد)" in text


def test_cli_classify_reads_categories_and_a_feed_section(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"id": "c1", "title": "", "text": "ارتفع التضخم", "categories": ["اقتصاد"]}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(item, ensure_ascii=False) + "\n"))
    assert main(["classify"]) == 0
    assert json.loads(capsys.readouterr().out)["topics"] == ["economy"]
    item = {"id": "c2", "title": "", "text": "x", "categories": "اقتصاد"}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(item, ensure_ascii=False) + "\n"))
    assert main(["classify"]) == 1
    assert "`categories` must be a list of strings" in capsys.readouterr().err
