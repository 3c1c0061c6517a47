import pytest

from bot.core.telegram_text import (
    MESSAGE_LIMIT,
    RLM,
    arabic_digits,
    check_html,
    pack,
    starts_rtl_safe,
    utf16_len,
    visible_len,
)


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("باكو") == 4
    assert utf16_len("📰") == 2
    assert utf16_len("🏔️") == 3  # U+1F3D4 (2) + variation selector (1)
    assert visible_len("<b>a&amp;b</b>") == 3


@pytest.mark.parametrize(
    "markup",
    ["<script>x</script>", "<p>x</p>", "a &nbsp; b", "a & b", "<br>", "<div>x</div>"],
)
def test_check_html_rejects_what_telegram_rejects(markup: str) -> None:
    with pytest.raises(ValueError):
        check_html(markup)


def test_check_html_accepts_allowed_markup() -> None:
    check_html('<b>x</b> <a href="https://e.com/?a=1&amp;b=2">y</a> &#34;q&#34; &lt;')


def test_check_html_enforces_the_length_limit() -> None:
    check_html("ب" * MESSAGE_LIMIT)
    with pytest.raises(ValueError):
        check_html("ب" * (MESSAGE_LIMIT + 1))
    with pytest.raises(ValueError):
        check_html("📰" * (MESSAGE_LIMIT // 2 + 1))


def test_pack_splits_between_blocks_under_the_limit() -> None:
    block = "• <b>" + "خبر 📰 " * 60 + "</b>"  # ~ 480 units with emoji
    blocks = [block] * 30
    messages = pack(blocks)
    assert len(messages) > 1
    for message in messages:
        assert visible_len(message) <= MESSAGE_LIMIT
        check_html(message)
    assert sum(m.count("• <b>") for m in messages) == 30  # nothing lost, nothing cut


def test_pack_refuses_a_block_over_the_limit() -> None:
    with pytest.raises(ValueError):
        pack(["x" * (MESSAGE_LIMIT + 1)])


def test_rtl_rule() -> None:
    assert starts_rtl_safe("المصدر: BBC")
    assert starts_rtl_safe(f"• {RLM}BBC")
    assert starts_rtl_safe("📰 <b>موجزك</b>")
    assert starts_rtl_safe("١١ خبرًا")
    assert not starts_rtl_safe("BBC عربي")
    assert not starts_rtl_safe("• <a href='x'>Putin</a>")
    assert not starts_rtl_safe("🇷🇺 روسيا")


def test_arabic_digits() -> None:
    assert arabic_digits("07:30, 2026") == "٠٧:٣٠, ٢٠٢٦"
