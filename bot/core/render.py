"""Every message a user sees, rendered from templates/ in their language.

Short replies live in `templates/<lang>/strings.toml` and `strings/*.toml` as Jinja snippets; the
digest in `templates/<lang>/digest.html` as macros, one per block, so blocks
can be packed into messages without cutting an item in half. Autoescape is on:
whatever comes from a feed or a user is escaped before Telegram sees it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_timedelta, get_day_names
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, meta, pass_context
from jinja2.runtime import Context

from bot.core.clean import summary_beyond_title
from bot.core.digest import FOLLOWS, Digest, Story
from bot.core.telegram_text import LRM, RLM, arabic_digits, check_html, pack
from bot.core.topics import Catalog
from bot.models import ALL_DAYS, Digits, Schedule

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"


def pick_language(telegram_language_code: str | None) -> str:
    """Arabic unless the user's Telegram speaks one of our other languages."""
    code = (telegram_language_code or "").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


ECHO_CHARS = 64  # the most of a user's own input a reply quotes back


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def default_digits(language: str) -> Digits:
    return Digits.ARABIC if language == "ar" else Digits.LATIN


class Renderer:
    def __init__(self, templates_dir: Path) -> None:
        self._env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.globals["rlm"] = RLM
        self._env.globals["lrm"] = LRM
        self._env.filters["digits"] = _digits_filter
        self._env.filters["count"] = self._count_filter
        self._env.filters["number"] = _number_filter
        self._strings = {lang: _load_strings(templates_dir / lang) for lang in LANGUAGES}

    def keys(self, language: str) -> set[str]:
        return set(_flatten(self._strings[language]))

    def parameters(self, language: str, key: str) -> set[str]:
        """The names a reply's template reads, besides the ones every template gets
        (tests render every reply with a sample value for each)."""
        source = _lookup(self._strings[language], key)
        names = meta.find_undeclared_variables(self._env.parse(source))
        return names - set(self._env.globals) - {"lang", "digit_style"}

    def text(
        self, language: str, key: str, /, *, digit_style: str | None = None, **params: Any
    ) -> str:
        """A short reply or label, checked against Telegram's HTML rules.

        `given` is by convention what the user typed, quoted back: at most ECHO_CHARS
        of it are, so a huge argument gets the usual sentence, not a wall of its own text.
        """
        if "given" in params:
            params["given"] = _clip(str(params["given"]), ECHO_CHARS)
        style = digit_style or default_digits(language)
        rendered = self._snippet(language, key).render(lang=language, digit_style=style, **params)
        rendered = rendered.strip()
        check_html(rendered)
        return rendered

    def join(self, language: str, items: Iterable[str]) -> str:
        """Items as a list in the reader's language ("روسيا، إيران"; "Russia, Iran").

        Plain text, like any other parameter: a template escapes it where it lands.
        """
        return _lookup(self._strings[language], "list_separator").join(items)

    def plural(self, language: str, key: str, n: int, digit_style: str | None = None) -> str:
        """`n` things with the noun in the form CLDR asks for (خبر، خبران، أخبار، خبرًا)."""
        form = Locale(language).plural_form(n)
        forms = self._strings[language]["plural"][key]
        template = forms.get(form) or forms["other"]
        return _convert(template.replace("{n}", str(n)), digit_style or default_digits(language))

    @pass_context
    def _count_filter(self, context: Context, n: int, key: str) -> str:
        """`{{ n | count("feeds") }}` in a template: the plural form of the reader's language."""
        language = str(context.get("lang", DEFAULT_LANGUAGE))
        return self.plural(language, key, int(n), context.get("digit_style"))

    def date(self, language: str, moment: datetime, digit_style: str | None = None) -> str:
        text = format_date(moment, "full", locale=language)
        return _convert(text, digit_style or default_digits(language))

    def schedule(self, language: str, schedule: Schedule, digit_style: str | None = None) -> str:
        """ "07:30، 19:00 · كل يوم" — the schedule in words, for replies."""
        style = digit_style or default_digits(language)
        times = self.join(language, (t.strftime("%H:%M") for t in schedule.times))
        return self.text(
            language,
            "schedule",
            digit_style=style,
            times=times,
            days=self.days(language, schedule.days),
            quiet=(
                f"{schedule.quiet[0].strftime('%H:%M')}–{schedule.quiet[1].strftime('%H:%M')}"
                if schedule.quiet
                else ""
            ),
        )

    def days(self, language: str, days: frozenset[int]) -> str:
        """Weekdays in words: every day, a run of days (Sunday to Thursday), or a list."""
        names = get_day_names("wide", locale=language)  # 0 = Monday
        if days == ALL_DAYS:
            return self.text(language, "days_every")
        ordered = sorted(days)
        for start in ordered:  # a run, possibly across the week's end
            run = [((start - 1 + i) % 7) + 1 for i in range(len(days))]
            if set(run) == days and len(days) > 2:
                first, last = names[run[0] - 1], names[run[-1] - 1]
                return self.text(language, "days_range", first=first, last=last)
        return self.join(language, (names[d - 1] for d in ordered))

    def ago(
        self, language: str, moment: datetime, now: datetime, digit_style: str | None = None
    ) -> str:
        """Relative age ("2 hours ago"); a future timestamp (skewed source clock) reads as now."""
        minutes = max(int((now - moment).total_seconds() // 60), 1)
        return _ago(language, minutes, digit_style or default_digits(language))

    def digest(
        self,
        language: str,
        digest: Digest,
        *,
        catalog: Catalog,
        now: datetime,
        digit_style: str | None = None,
        story_link: Callable[[Story], str | None] = lambda story: None,
        limit: int = 0,
        public: bool = False,
    ) -> list[str]:
        """The digest as Telegram HTML messages, each under the length limit.

        Blocks (header, each item, footer) are rendered apart and packed into messages
        between items; a section's title travels with its first item. `limit` is the
        chat's item limit (what `digest.more` went beyond); `public`, a post to a group or
        a channel: it speaks to nobody in particular and points to no reader's command.
        """
        style = digit_style or default_digits(language)
        macros: Any = self._env.get_template(f"{language}/digest.html").module
        sections = [s for s in digest.sections if s.stories]
        topics = sum(1 for s in sections if s.topic_id != FOLLOWS)  # «كلماتك» is no topic
        blocks = [
            str(
                macros.header(
                    date=self.date(language, now, style),
                    count=self.plural(language, "news", len(digest), style),
                    topics=self.plural(language, "topics_in", topics, style),
                    several=topics > 1,
                    public=public,
                )
            )
        ]
        for section in sections:
            if section.topic_id == FOLLOWS:
                words = "follows_section_public" if public else "follows_section"
                emoji, name = "🔎", self.text(language, words)
            else:
                topic = catalog[section.topic_id]
                emoji, name = topic.emoji, topic.name(language)
            title = str(
                macros.section(
                    emoji=emoji,
                    name=name,
                    count=self.plural(language, "news", len(section.stories), style),
                )
            )
            for i, story in enumerate(section.stories):
                item = str(
                    macros.item(item=self._item_view(language, story, now, style, story_link))
                )
                blocks.append(f"{title}\n\n{item}" if i == 0 else item)
        more = self.plural(language, "more_news", digest.more, style) if digest.more else ""
        limit_text = self.plural(language, "news", limit, style)
        footer = str(macros.footer(more=more, limit=limit_text, public=public)).strip()
        if footer:  # a public post with nothing cut has none
            blocks.append(footer)
        messages = pack(blocks)
        for message in messages:
            check_html(message)
        return messages

    def _item_view(
        self,
        language: str,
        story: Story,
        now: datetime,
        style: str,
        story_link: Callable[[Story], str | None],
    ) -> dict[str, Any]:
        lead = story.lead
        others_url = story_link(story) or (story.others[0].url if story.others else None)
        return {
            "title": lead.title,
            "url": lead.url,
            "summary": summary_beyond_title(lead.title, lead.summary),
            "source": lead.source,
            "age": self.ago(language, lead.published_at, now, style),
            "others": self.plural(language, "others", len(story.others), style)
            if story.others
            else "",
            "others_url": others_url,
        }

    def _snippet(self, language: str, key: str) -> Template:
        return _compile(self._env, language, key, _lookup(self._strings[language], key))


@lru_cache(maxsize=4096)
def _ago(language: str, minutes: int, digit_style: str) -> str:
    """Babel's relative time is slow; a digest run asks for the same few values again and again."""
    text = format_timedelta(timedelta(minutes=-minutes), add_direction=True, locale=language)
    return _convert(text, digit_style)


@pass_context
def _digits_filter(context: Context, value: object) -> str:
    """The reader's digits (Arabic-Indic or Latin), applied where a template asks for them."""
    return _convert(str(value), str(context.get("digit_style", Digits.LATIN)))


@pass_context
def _number_filter(context: Context, value: float) -> str:
    """A number as the reader's locale writes it: «١٠٫٤» in Arabic digits, "10.4" otherwise."""
    language = str(context.get("lang", DEFAULT_LANGUAGE))
    style = str(context.get("digit_style", Digits.LATIN))
    system = "arab" if style == Digits.ARABIC and language == "ar" else "latn"
    return _convert(format_decimal(value, locale=language, numbering_system=system), style)


def _convert(text: str, digit_style: str) -> str:
    return arabic_digits(text) if digit_style == Digits.ARABIC else text


def _lookup(strings: Mapping[str, Any], key: str) -> str:
    node: Any = strings
    for part in key.split("."):
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(key)
    return node


@cache
def _compile(env: Environment, language: str, key: str, source: str) -> Template:
    return env.from_string(source)


def _load_strings(language_dir: Path) -> dict[str, Any]:
    """`strings.toml` and every `strings/*.toml` beside it, as one table.

    Each feature keeps its replies in a file of its own; a key defined twice is a
    mistake that would silently shadow one text, so it stops the start instead.
    """
    files = [language_dir / "strings.toml", *sorted((language_dir / "strings").glob("*.toml"))]
    merged: dict[str, Any] = {}
    for path in files:
        if path.is_file():
            with path.open("rb") as f:
                _merge_strings(merged, tomllib.load(f), path)
    return merged


def _merge_strings(
    into: dict[str, Any], new: Mapping[str, Any], source: Path, at: str = ""
) -> None:
    for name, value in new.items():
        key = f"{at}{name}"
        if name not in into:
            into[name] = value
        elif isinstance(into[name], dict) and isinstance(value, Mapping):
            _merge_strings(into[name], value, source, key + ".")
        else:
            raise ValueError(f"{source}: the string {key!r} is already defined")


def _flatten(node: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for name, value in node.items():
        path = f"{prefix}{name}"
        keys.extend(_flatten(value, path + ".") if isinstance(value, Mapping) else [path])
    return keys
