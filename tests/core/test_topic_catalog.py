"""The catalog file: its syntax, and the clear errors a broken one gives."""

from pathlib import Path

import pytest

from bot.core.catalog import Catalog, CatalogError, split_entry
from bot.core.topics import Classifier

TOPIC = """
[[topic]]
id = "caucasus"
emoji = "🏔️"
name_ar = "القوقاز"
name_en = "Caucasus"
"""


def load(tmp_path: Path, text: str) -> Catalog:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return Catalog.load(path)


def test_entry_spellings_and_weight() -> None:
    assert split_entry("باكو|Baku") == (["باكو", "Baku"], 1.0)
    assert split_entry("~الدولار|~dollar*") == (["الدولار", "dollar*"], 0.5)


def test_a_full_topic_loads(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        TOPIC
        + """keywords = ["باكو|Baku", "جورجيا|Georgia"]
not = ["ولاية جورجيا"]
threshold = 4
[[topic.rule]]
ignore = ["Georgia"]
when = ["Atlanta"]
""",
    )
    topic = catalog["caucasus"]
    assert topic.spellings() == ["باكو", "Baku", "جورجيا", "Georgia"]
    assert topic.not_phrases == ("ولاية جورجيا",)
    assert topic.threshold == 4
    assert topic.rules[0].ignore == ("Georgia",)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('keywords = ["باكو"]\ncolour = "red"\n', "unknown field(s) colour"),
        ("keywords = []\n", "no keywords"),
        ('keywords = ["باكو", 3]\n', "`keywords` must be a list of strings"),
        ('keywords = ["باكو"]\nthreshold = -1\n', "`threshold` must be a positive number"),
        (
            'keywords = ["باكو"]\n[[topic.rule]]\nignore = ["Baku"]\nwhen = ["x"]\n',
            "rule ignores unknown spelling(s) ['Baku']",
        ),
        (
            'keywords = ["باكو"]\n[[topic.rule]]\nignore = ["باكو"]\n',
            "needs `ignore` and a condition",
        ),
    ],
)
def test_a_broken_catalog_names_the_topic_and_the_fault(
    tmp_path: Path, extra: str, message: str
) -> None:
    with pytest.raises(CatalogError, match="topic caucasus") as error:
        load(tmp_path, TOPIC + extra)
    assert message in str(error.value)


def test_a_keyword_without_letters_is_refused(tmp_path: Path) -> None:
    catalog = load(tmp_path, TOPIC + 'keywords = ["باكو", "—"]\n')
    with pytest.raises(CatalogError, match="topic caucasus: '—' has no letters"):
        Classifier(catalog)


def test_two_topics_cannot_share_an_id(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="share an id"):
        load(tmp_path, TOPIC + 'keywords = ["باكو"]\n' + TOPIC + 'keywords = ["يريفان"]\n')
