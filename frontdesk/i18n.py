"""The message catalogue: every string a user reads comes from here.

Catalogues are TOML files in ``frontdesk/locales`` (``zh_CN.toml`` is the default,
``en.toml`` is complete); keys are dotted (``form.phone``). A missing key in either file
fails a test, and a key missing at run time shows the key itself rather than crashing.

Parsing a catalogue's TOML (70 kB, in pure Python) took 10–20 ms of every start, so the flat
table read is kept beside it, as Python keeps its ``.pyc`` files:
``locales/__pycache__/<language>.<mtime>-<size>.marshal`` (about 1 ms to read), used while the
file is unchanged; a folder that cannot be written means the TOML is parsed each time.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_ALIASES = {
    "zh": "zh_CN",
    "zh-cn": "zh_CN",
    "zh_cn": "zh_CN",
    "cn": "zh_CN",
    "en": "en",
    "en-us": "en",
    "en_us": "en",
    "en-gb": "en",
    "en_gb": "en",
}

_current = DEFAULT_LANGUAGE


def normalise_language(name: str | None) -> str:
    """Map ``zh-CN``, ``zh``, ``en_US.UTF-8``… to a catalogue name (zh_CN by default)."""
    if not name:
        return DEFAULT_LANGUAGE
    key = name.split(".")[0].strip().lower()
    return _ALIASES.get(key, _ALIASES.get(key.split("_")[0].split("-")[0], DEFAULT_LANGUAGE))


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language, by dotted key."""
    source = LOCALES_DIR / f"{language}.toml"
    with source.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        kept = (
            source.parent / "__pycache__" / f"{language}.{stat.st_mtime_ns}-{stat.st_size}.marshal"
        )
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            flat = marshal.loads(kept.read_bytes())
            if isinstance(flat, dict):
                return flat
        import tomllib  # only when the file changed: most starts never import it

        flat = _flatten(tomllib.load(handle))
    _keep(kept, flat)
    return flat


def _keep(kept: Path, flat: dict[str, str]) -> None:
    """Write the table read for the next start (others of the language go: they are stale)."""
    with contextlib.suppress(OSError):
        kept.parent.mkdir(exist_ok=True)
        for old in kept.parent.glob(f"{kept.name.split('.', 1)[0]}.*.marshal"):
            old.unlink(missing_ok=True)
        written = kept.with_suffix(f".{os.getpid()}.tmp")
        written.write_bytes(marshal.dumps(flat))
        written.replace(kept)  # whole or not at all: another process may be reading it


def set_language(name: str | None) -> str:
    """Choose the language of this process; returns the catalogue name chosen."""
    global _current
    _current = normalise_language(name)
    return _current


def language() -> str:
    """The catalogue name in use."""
    return _current


def t(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, with ``{params}`` filled in."""
    text = catalogue(_current).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
