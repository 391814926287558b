"""Catalogue search: Chinese word segmentation, pinyin and pinyin initials.

An item is indexed under its words (jieba's search-mode segmentation), each word's full
pinyin (社保 → shebao) and initials (sb), the single characters of its name, its English
words and its code. A query is cut the same way; each query word must match a term
exactly or as a prefix. Items matching every query word rank first; when none does, items
matching any word are shown, best first. Internal to the catalogue: use ``access``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType

MAX_TERM_LENGTH = 64
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
QUERY_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")

# Words that carry no meaning in a citizen's query ("我要办理…", "怎么申请…").
CHINESE_STOPWORDS = frozenset(
    {
        "的",
        "了",
        "我",
        "要",
        "想",
        "我要",
        "我想",
        "怎么",
        "怎样",
        "如何",
        "办",
        "在哪",
        "哪里",
        "在哪里",
        "什么",
        "和",
        "与",
        "及",
        "或",
        "去",
        "吗",
        "呢",
    }
)
ENGLISH_STOPWORDS = frozenset(
    {"a", "an", "the", "of", "for", "and", "or", "to", "in", "on", "my", "how", "i"}
)

# Weights of where a term comes from; a query word's score is the weight of the best term
# it matches, doubled for an exact match.
WEIGHT_CODE = 20
WEIGHT_NAME = 10
WEIGHT_KEYWORD = 9
WEIGHT_SUB_ITEM = 6
WEIGHT_ENGLISH = 5
WEIGHT_DEPARTMENT = 3
WEIGHT_WHOLE_PINYIN = 3
# Initials are ambiguous (sb: 社保, 设备, 申报): one low weight wherever they come from,
# so that among items matching them the more popular one wins.
WEIGHT_INITIALS = 2
WEIGHT_CHARACTER = 1


@cache
def _jieba() -> ModuleType:
    """jieba, imported when first needed: with pypinyin it is a third of a second that
    every command which never searches (migrate, check, the worker's start) need not pay."""
    import jieba

    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    return jieba


def warm_up() -> None:
    """Load jieba's dictionary (1 to 1.5 s) and the pinyin tables before the first query,
    not during it."""
    _jieba().initialize()
    _syllables("社保")
    analyse_query("社保 营业执照 shebao")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case: ＳＢ and SB search like sb."""
    return unicodedata.normalize("NFKC", text).lower().strip()


@lru_cache(maxsize=65_536)  # words recur across items (登记, 办理, department names)
def _syllables(word: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


@lru_cache(maxsize=16_384)  # keywords and department names recur across items
def _chinese_terms(text: str, weight: int) -> tuple[tuple[str, int], ...]:
    terms: list[tuple[str, int]] = []
    for run in HAN_RUN.findall(normalize(text)):
        for word in _jieba().cut_for_search(run):
            if word in CHINESE_STOPWORDS:
                continue
            syllables = _syllables(word)
            terms += [(word, weight), ("".join(syllables), weight - 1)]
            if len(syllables) >= 2:
                terms.append(("".join(s[0] for s in syllables), WEIGHT_INITIALS))
        syllables = _syllables(run)
        if len(syllables) > 2:
            # Typing a whole name in pinyin or initials: shehuibaozhangka, shbzk.
            terms.append(("".join(syllables)[:MAX_TERM_LENGTH], WEIGHT_WHOLE_PINYIN))
            terms.append(("".join(s[0] for s in syllables), WEIGHT_INITIALS))
        terms += [(character, WEIGHT_CHARACTER) for character in run]
    return tuple(terms)


class _Terms:
    def __init__(self) -> None:
        self.weights: dict[str, int] = {}

    def add(self, term: str, weight: int) -> None:
        if term and len(term) <= MAX_TERM_LENGTH and weight > self.weights.get(term, 0):
            self.weights[term] = weight

    def add_chinese(self, text: str, weight: int) -> None:
        for term, term_weight in _chinese_terms(text, weight):
            self.add(term, term_weight)

    def add_english(self, text: str, weight: int) -> None:
        for word in LATIN_WORD.findall(normalize(text)):
            if word not in ENGLISH_STOPWORDS and len(word) >= 2:
                self.add(word, weight)


def item_terms(
    *,
    code: str,
    name: str,
    name_en: str = "",
    sub_item: str = "",
    keywords: Iterable[str] = (),
    department_names: Iterable[str] = (),
) -> dict[str, int]:
    """The index terms of one service item, each with its weight."""
    terms = _Terms()
    terms.add(normalize(code), WEIGHT_CODE)
    terms.add_chinese(name, WEIGHT_NAME)
    terms.add_chinese(sub_item, WEIGHT_SUB_ITEM)
    for keyword in keywords:
        terms.add_chinese(keyword, WEIGHT_KEYWORD)
        terms.add_english(keyword, WEIGHT_KEYWORD)
    for department_name in department_names:
        terms.add_chinese(department_name, WEIGHT_DEPARTMENT)
    terms.add_english(name_en, WEIGHT_ENGLISH)
    return terms.weights


@dataclass(frozen=True, slots=True)
class QueryWord:
    text: str
    prefix: bool


def analyse_query(query: str) -> list[QueryWord]:
    """Cut a query into the words that must match, without duplicates."""
    words: list[QueryWord] = []
    seen: set[str] = set()

    def keep(text: str, prefix: bool) -> None:
        if text not in seen:
            seen.add(text)
            words.append(QueryWord(text[:MAX_TERM_LENGTH], prefix))

    for run in QUERY_RUN.findall(normalize(query)):
        if HAN_RUN.fullmatch(run):
            for word in _jieba().cut(run):
                if word not in CHINESE_STOPWORDS:
                    keep(word, prefix=len(word) >= 2)
        elif run not in ENGLISH_STOPWORDS:
            keep(run, prefix=len(run) >= 2)
    return words
