"""Compiled policy templates kept between processes, so a build compiles only the templates that changed.

Compiling the library's 330 templates is about 1.3 CPU s of every process that renders (each
``policyforge build``, each ``mkdocs build`` with the plugin, each batch company), three times
the rendering itself. Jinja's own ``FileSystemBytecodeCache`` keeps the compiled code under the
hash of the template's name and a checksum of its text.

The code is loaded and run, so it is kept only where nothing a pull request writes can reach:
the user's cache folder (``$XDG_CACHE_HOME/policyforge``, else ``~/.cache/policyforge``), in a
folder only this user may write, and never the company repository's ``.cache``. The key also
carries Jinja's version and the environment's settings (sandbox included), so code compiled by
another environment is never taken. ``POLICYFORGE_TEMPLATE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import FileSystemBytecodeCache

from .._user_cache import cache_root, cache_wanted, private_folder


def cache_folder() -> Path:
    """Return where compiled templates are kept for this user."""
    return cache_root() / f"templates-jinja{jinja2.__version__}"


def environment_signature(env: jinja2.Environment) -> str:
    """Return what the compiled code depends on besides the text: Jinja, the environment's class, syntax and filters."""
    settings = (jinja2.__version__, type(env).__module__, type(env).__qualname__, env.block_start_string,
                env.block_end_string, env.variable_start_string, env.variable_end_string, env.comment_start_string,
                env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.autoescape, env.optimized,
                env.is_async, sorted(env.extensions), sorted(env.filters), sorted(env.tests))
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


class TemplateCache:
    """Load and store compiled templates for one environment (a no-op when the folder is not private)."""

    def __init__(self, env: jinja2.Environment, folder: Path | None = None) -> None:
        """Keep ``env``'s compiled templates in ``folder`` (default: ``cache_folder()``)."""
        self.env = env
        self.signature = environment_signature(env)
        folder = folder or cache_folder()
        enabled = cache_wanted() and private_folder(folder)
        self.store = FileSystemBytecodeCache(str(folder)) if enabled else None

    def compile(self, source: str, name: str) -> Any:
        """Return the code of ``source`` compiled under ``name``, from the cache when it holds it."""
        if self.store is None:
            return self.env.compile(source, name=name, filename=name)
        # Many statements share one file name, so the text's hash is part of the key, not only its checksum.
        text = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()
        bucket = self.store.get_bucket(self.env, f"{self.signature}\0{name}\0{text}", name, source)
        if bucket.code is not None:
            return bucket.code
        code = self.env.compile(source, name=name, filename=name)
        bucket.code = code
        try:
            self.store.set_bucket(bucket)
        except OSError:  # a full disk or a read-only home: the next process compiles again
            pass
        return code


def theme_bytecode_cache(env: jinja2.Environment) -> FileSystemBytecodeCache | None:
    """Return a cache of the site theme's compiled templates for ``env`` (None when turned off or not private).

    MkDocs compiles Material's templates again in every build; their compiled code is kept in
    the same private folder, apart for each environment's settings (Jinja checks each
    template's text against its checksum before taking the code).
    """
    folder = cache_folder() / f"theme-{environment_signature(env)}"
    if not cache_wanted() or not private_folder(folder):
        return None
    return FileSystemBytecodeCache(str(folder))
