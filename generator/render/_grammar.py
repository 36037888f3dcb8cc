"""Grammar around facts from a maintained library (inflect), not from hand-written rules.

A fact is typed by the company, so a template cannot know whether it takes "a" or "an" ("an AWS
WAF rule", "a Google Cloud Armor rule") or whether it is plural ("Cloud SQL automated backups back
up" but "AWS Backup backs up"). These filters ask inflect, which knows English articles before
acronyms and the plurals of nouns and verbs.
"""

from __future__ import annotations

import functools

from ..model._english import english


# inflect's answers depend only on the word, and a build asks about the same few words thousands of times.
@functools.lru_cache(maxsize=4096)
def _with_article(text: str) -> str:
    return str(english().a(text))


@functools.lru_cache(maxsize=4096)
def _plural_noun(word: str) -> str:
    return str(english().plural_noun(word))


@functools.lru_cache(maxsize=4096)
def _singular_noun(word: str) -> str | bool:
    singular: str | bool = english().singular_noun(word)
    return singular


@functools.lru_cache(maxsize=4096)
def _plural_verb(word: str) -> str:
    return str(english().plural_verb(word))


def article(phrase: object) -> str:
    """Return the phrase with its indefinite article: ``an AWS WAF``, ``a Google Workspace``."""
    text = str(phrase).strip()
    if not text:
        return text
    return _with_article(text)


def possessive(name: object) -> str:
    """Return a name in the possessive: ``Acme Cloud's``, ``Nimbus Labs'`` (a name ending in s takes the apostrophe).

    Acronyms keep 's (``AWS's``): only a name ending in a lower-case s reads as a plural.
    """
    text = str(name).strip()
    if not text:
        return text
    return f"{text}'" if text.endswith("s") else f"{text}'s"


def closed(phrase: object) -> str:
    """Return a phrase with a name in apposition closed by a comma, so the sentence can go on after it.

    ``{{ other_than("security_officer", "cto") | closed }} when``: "the alternate approver, Sam Ortiz, when", where
    "the Chief Technology Officer when" needs no comma.
    """
    text = str(phrase).strip()
    return f"{text}," if "," in text and not text.endswith(",") else text


def plural(noun: str, count: int | float = 2) -> str:
    """Return the noun agreeing with ``count``: ``plural("business day")`` is ``business days``."""
    if count == 1:
        return noun
    words = noun.split(" ")
    words[-1] = _plural_noun(words[-1])
    return " ".join(words)


def is_plural(phrase: object) -> bool:
    """Return whether a noun phrase names several things (its last word is a plural noun)."""
    words = str(phrase).split()
    if not words:
        return False
    last = words[-1]
    singular = _singular_noun(last)
    # inflect strips the "s" of a name that is no plural ("Kubernetes", "Atlas"); a capitalised
    # last word is a product name and reads as one thing.
    return bool(singular) and not last[:1].isupper()


def agree(subject: object, verb: str) -> str:
    """Return ``subject verb`` with the verb agreeing: ``AWS Backup backs up``, ``automated backups back up``.

    ``verb`` is written for a singular subject ("backs up", "is", "runs"); only its first word changes.
    """
    head, _, rest = verb.partition(" ")
    if is_plural(subject):
        head = _plural_verb(head)
    return f"{subject} {head}{' ' + rest if rest else ''}"


def verb_for(subject: object, verb: str) -> str:
    """Return only the verb agreeing with ``subject`` (``back up`` after a plural subject)."""
    return agree(subject, verb)[len(str(subject)) + 1:]
