"""One normalization for indexing, matching and search.

Arabic is written with optional diacritics, several alef/hamza forms, ta marbuta
or ha, alef maqsura or ya, tatweel for justification and two digit sets; Latin
text arrives with case and accents. Every comparison of words goes through
`normalize` so that a keyword and an article meet in the same form.
"""

from __future__ import annotations

import re
import unicodedata

# Letters folded before decomposition: alef forms (with hamza, madda, wasla),
# final ya forms and ta marbuta.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian ya
        "ک": "ك",  # Persian kaf
        "ة": "ه",
        "ـ": None,  # tatweel
    }
)
# Zero-width and bidi control characters carry no meaning for matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_NON_WORD = re.compile(r"[^\w]+|_")


def normalize(text: str) -> str:
    """Return `text` folded to the form keywords are matched in: words separated by one space."""
    text = unicodedata.normalize("NFKC", text)  # presentation forms, full-width Latin
    text = _INVISIBLE.sub("", text).translate(_LETTERS).casefold()
    # Decomposing then dropping marks removes Arabic diacritics and Latin accents
    # alike, and folds the remaining hamza carriers (ؤ → و, ئ → ي).
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn"
    )
    text = "".join(_digit(ch) for ch in text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _digit(ch: str) -> str:
    """Fold Arabic-Indic and Persian digits to ASCII; leave everything else."""
    if ch.isdigit() and not ch.isascii():
        return str(unicodedata.digit(ch, 0))
    return ch
