"""Every message a user sees, rendered from templates/ in their language.

Short replies live in `templates/<lang>/strings.toml` as Jinja snippets; the
digest in `templates/<lang>/digest.html` as macros, one per block, so blocks
can be packed into messages without cutting an item in half. Autoescape is on:
whatever comes from a feed or a user is escaped before Telegram sees it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_timedelta
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from bot.core.telegram_text import RLM, arabic_digits, check_html, pack

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"


def pick_language(telegram_language_code: str | None) -> str:
    """Arabic unless the user's Telegram speaks one of our other languages."""
    code = (telegram_language_code or "").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    summary: str
    source: str
    published_at: datetime


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
        self._env.filters["digits"] = _digits_filter
        self._env.filters["count"] = self._count_filter
        self._strings = {
            lang: _load_strings(templates_dir / lang / "strings.toml") for lang in LANGUAGES
        }

    def keys(self, language: str) -> set[str]:
        return set(_flatten(self._strings[language]))

    def text(self, language: str, key: str, /, **params: Any) -> str:
        """A short reply or label, checked against Telegram's HTML rules."""
        rendered = self._snippet(language, key).render(lang=language, **params).strip()
        check_html(rendered)
        return rendered

    def plural(self, language: str, key: str, n: int) -> str:
        """`n` things with the noun in the form CLDR asks for (خبر، خبران، أخبار، خبرًا)."""
        form = Locale(language).plural_form(n)
        forms = self._strings[language]["plural"][key]
        template = forms.get(form) or forms["other"]
        return self._digits(language, template.replace("{n}", str(n)))

    @pass_context
    def _count_filter(self, context: Context, n: int, key: str) -> str:
        """`{{ n | count("feeds") }}` in a template: the plural form of the reader's language."""
        return self.plural(str(context.get("lang", DEFAULT_LANGUAGE)), key, int(n))

    def date(self, language: str, moment: datetime) -> str:
        return self._digits(language, format_date(moment, "full", locale=language))

    def ago(self, language: str, moment: datetime, now: datetime) -> str:
        """Relative age ("2 hours ago"); a future timestamp (skewed source clock) reads as now."""
        delta = min(moment - now, -timedelta(minutes=1))
        return self._digits(language, format_timedelta(delta, add_direction=True, locale=language))

    def digest(
        self, language: str, items: list[DigestItem], *, now: datetime, more: int = 0
    ) -> list[str]:
        """The digest as Telegram HTML messages, each under the length limit."""
        macros = self._env.get_template(f"{language}/digest.html").module
        header = macros.header(  # type: ignore[attr-defined]
            date=self.date(language, now), count=self.plural(language, "news", len(items))
        )
        blocks = [str(header)]
        for item in items:
            view = {
                "title": item.title,
                "url": item.url,
                "summary": item.summary,
                "source": item.source,
                "age": self.ago(language, item.published_at, now),
            }
            blocks.append(str(macros.item(item=view)))  # type: ignore[attr-defined]
        blocks.append(str(macros.footer(more=more)))  # type: ignore[attr-defined]
        messages = pack(blocks)
        for message in messages:
            check_html(message)
        return messages

    def _snippet(self, language: str, key: str) -> Template:
        return _compile(self._env, language, key, _lookup(self._strings[language], key))

    @staticmethod
    def _digits(language: str, text: str) -> str:
        return arabic_digits(text) if language == "ar" else text


@pass_context
def _digits_filter(context: Context, value: object) -> str:
    """Arabic-Indic digits for Arabic readers, applied where a template asks for them."""
    text = str(value)
    return arabic_digits(text) if context.get("lang") == "ar" else text


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


def _load_strings(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _flatten(node: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for name, value in node.items():
        path = f"{prefix}{name}"
        keys.extend(_flatten(value, path + ".") if isinstance(value, Mapping) else [path])
    return keys


__all__ = ["LANGUAGES", "DigestItem", "Markup", "Renderer", "pick_language"]
