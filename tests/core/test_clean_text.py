from bot.core.clean import clean_text, html_to_text, one_line, shorten, summarize
from tests.paths import seed_article

BOILERPLATE = [
    "Photo of author",
    "By العربية الآن",
    "sputnik/grigory sysoev",
    "(رويترز)",
    "المصدر :",
    "رابط المصدر",
    "أضف تعليق",
    "reCAPTCHA",
]


def seed_as_html() -> tuple[str, str]:
    title, body = seed_article()
    return title, "".join(f"<p>{line}</p>" for line in body.splitlines())


def test_seed_article_loses_its_boilerplate() -> None:
    title, markup = seed_as_html()
    text = clean_text(html_to_text(markup), title=title)
    for marker in BOILERPLATE:
        assert marker not in text, marker
    assert "اختتم الرئيس الروسي فلاديمير بوتين زيارة استمرت يومين إلى أذربيجان" in text
    assert "أريشيف" in text  # the body itself is kept


def test_seed_summary_is_the_lead_without_dateline() -> None:
    title, markup = seed_as_html()
    summary = summarize(clean_text(html_to_text(markup), title=title))
    assert summary.startswith("اختتم الرئيس الروسي فلاديمير بوتين")
    assert summary.endswith("في جنوب القوقاز.")
    assert "موسكو–" not in summary


def test_html_to_text_drops_scripts_captions_and_decodes_entities() -> None:
    markup = (
        "<p>الخبر &amp; التفاصيل&nbsp;هنا</p><script>alert(1)</script>"
        "<figure><img src=x><figcaption>Caption text</figcaption></figure><p>فقرة ثانية</p>"
    )
    assert html_to_text(markup) == "الخبر & التفاصيل هنا\nفقرة ثانية"


def test_one_line_title() -> None:
    assert one_line("<b>عنوان</b>\n  &quot;مهم&quot;") == 'عنوان "مهم"'


def test_shorten_cuts_at_a_word_boundary() -> None:
    text = "كلمة " * 100
    short = shorten(text.strip(), 50)
    assert len(short) <= 50
    assert short.endswith("كلمة…")


def test_shorten_adds_no_ellipsis_after_punctuation() -> None:
    text = "جملة أولى قصيرة. " + "ثم " * 40
    assert shorten(text, 18) == "جملة أولى قصيرة."


def test_summary_takes_at_most_two_sentences() -> None:
    text = "هذه جملة أولى طويلة بما يكفي لتكون فقرة. وهذه جملة ثانية. وهذه ثالثة لا تظهر."
    assert summarize(text) == "هذه جملة أولى طويلة بما يكفي لتكون فقرة. وهذه جملة ثانية."
