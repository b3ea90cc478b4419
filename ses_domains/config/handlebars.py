"""The placeholders of an SES template, and whether a template's test data gives each a value.

SES renders templates with Handlebars: ``{{name}}``, ``{{user.first}}``, ``{{{raw}}}``, blocks
``{{#if x}}...{{else}}...{{/if}}``, ``{{#unless x}}``, ``{{#each items}}...{{/each}}`` (inside,
names are looked up in the current item, ``{{this}}`` is the item itself, ``../name`` the
enclosing context, ``@index``/``@key``/``@first``/``@last`` come from the loop) and
``{{#with obj}}``; ``{{! comments }}``; ``~`` trims white space; ``\\{{`` is a literal; inline
partials ``{{#* inline "name"}}...{{/inline}}``, called with ``{{> name}}`` (or ``{{> name obj}}``,
in the context ``obj``), read their placeholders where they are called (SES guide, "Advanced email
personalization").

Pure: :func:`parse_placeholders` reads one part of a template (its subject, text or HTML) into
``Placeholder`` values whose ``path`` is resolved from the root of the data (``("items", "[]",
"name")`` for ``{{name}}`` inside ``{{#each items}}``); :func:`check_test_data` says which
placeholder has no value in the data and which data key no placeholder uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

BLOCK_HELPERS = ("if", "unless", "each", "with")
"""Handlebars' built-in block helpers; ``each`` and ``with`` change the context."""
ITEM = "[]"
"""A path segment meaning "an item of this list (or a value of this object)", for ``#each``."""
LOOP_VARIABLES = ("@index", "@key", "@first", "@last")

_LITERAL = re.compile(r'^(?:"[^"]*"|\'[^\']*\'|-?\d+(?:\.\d+)?|true|false|null|undefined)$')
_SEGMENT = re.compile(r"\[[^\]]*\]|[^./\[\]]+")
_NAME = re.compile(r"[^\s!\"#%&'()*+,./;<=>@\[\\\]^`{|}~]+")
_TOKEN = re.compile(r'"[^"]*"|\'[^\']*\'|(?:\[[^\]]*\]|[^\s\[])+')


class TemplateSyntaxError(ValueError):
    """The text is not a template SES can render (or this check can read); ``line`` says where."""

    def __init__(self, message: str, line: int):
        super().__init__(f"{message} (line {line})")
        self.line = line


@dataclass(frozen=True)
class Placeholder:
    """One name a part of the template reads from the data."""

    written: str
    """As in the template: ``user.first``, ``this``, ``../title``."""
    path: tuple[str, ...]
    """From the root of the data; :data:`ITEM` stands for an item of a list (``#each``). Empty for
    ``{{this}}`` at the top level (the whole data)."""
    part: str
    """``subject``, ``text`` or ``html``."""
    line: int
    helper: Optional[str] = None
    """The block helper that reads it (``each``, ``if``...; ``>`` for a partial's context),
    ``None`` for a value written out."""

    @property
    def dotted(self) -> str:
        """The path as a user writes data keys: ``items[].name``."""
        return ".".join(self.path).replace(f".{ITEM}", ITEM)

    def __str__(self) -> str:
        opening = ("{{> partial " if self.helper == ">" else f"{{{{#{self.helper} ") if self.helper else "{{"
        return f"{opening}{self.written}}}}} in {self.part} (line {self.line})"


@dataclass(frozen=True)
class DataProblem:
    """A placeholder without a value (``placeholder`` set), or a data key nothing reads."""

    message: str
    placeholder: Optional[Placeholder] = None
    data_key: Optional[str] = None
    """The unused key as a dotted path (``user.last``, ``items[].price``)."""


@dataclass
class _Scope:
    path: tuple[str, ...]
    """The data context names are looked up in."""
    helper: Optional[str]
    line: int
    context: bool
    """Whether this block is a context of its own (``../`` leaves it): the root, #each, #with."""
    loop: bool = False
    """Inside ``#each``: the loop variables exist."""


_Mustache = tuple[str, int]
"""The inside of one ``{{...}}`` and its line."""


@dataclass
class _Reading:
    """One part being read: what it found so far, and its inline partials by name."""

    part: str
    found: list[Placeholder]
    partials: dict[str, list[_Mustache]]
    calling: list[str]
    """The partials being expanded, outermost first: a partial that calls itself is read twice
    (its own level and one below it), then no deeper."""


def parse_placeholders(text: str, part: str) -> tuple[Placeholder, ...]:
    """Every placeholder of ``text``, in order; ``TemplateSyntaxError`` for what SES cannot
    render (an unclosed ``{{``, a block closed by another name, ``{{else}}`` outside a block, a
    call of a partial the part does not define) and for what this check cannot follow
    (sub-expressions, block parameters, partial blocks)."""
    body, partials = _inline_partials(list(_mustaches(text)))
    reading = _Reading(part, [], partials, [])
    # The root context, then one per open block; each/with change the data context.
    blocks: list[_Scope] = [_Scope((), None, 1, context=True)]
    for inner, line in body:
        _read_mustache(inner, line, reading, blocks)
    found = reading.found
    if len(blocks) > 1:
        open_block = blocks[-1]
        raise TemplateSyntaxError(f"{{{{#{open_block.helper}}}}} is never closed by {{{{/{open_block.helper}}}}}",
                                  open_block.line)
    return tuple(found)


def _mustaches(text: str) -> Iterator[tuple[str, int]]:
    """The inside of each ``{{...}}`` (comments and ``\\{{`` literals skipped) and its line."""
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            return
        line = text.count("\n", 0, start) + 1
        if start > 0 and text[start - 1] == "\\":
            position = start + 2
            continue
        if text.startswith("{{!--", start) or text.startswith("{{~!--", start):
            end = text.find("--}}", start)
            if end < 0:
                end = text.find("--~}}", start)
            if end < 0:
                raise TemplateSyntaxError("a {{!-- comment is never closed by --}}", line)
            position = end + 4
            continue
        triple = text.startswith("{{{", start)
        closing = "}}}" if triple else "}}"
        end = text.find(closing, start + 2)
        if end < 0:
            raise TemplateSyntaxError(f"{text[start:start + 20]!r} is never closed by {closing}", line)
        inner = text[start + 2:end]
        position = end + len(closing)
        inner = inner.strip()
        if inner.startswith("~"):
            inner = inner[1:]
        if inner.endswith("~"):
            inner = inner[:-1]
        if triple:
            inner = inner.strip()
            if not inner.startswith("{"):
                raise TemplateSyntaxError(f"{{{{{{{inner} must be closed by }}}}}}", line)
            inner = inner[1:]
        inner = inner.strip()
        if inner.startswith("!"):
            continue
        yield inner, line


_INLINE = re.compile(r'^#\*\s*inline\s+(?:"([^"]+)"|\'([^\']+)\')\s*$')


def _inline_partials(mustaches: list[_Mustache]) -> tuple[list[_Mustache], dict[str, list[_Mustache]]]:
    """The part without its ``{{#* inline}}`` definitions, and each definition's body by name."""
    body: list[_Mustache] = []
    partials: dict[str, list[_Mustache]] = {}
    defining: Optional[tuple[str, int]] = None
    for inner, line in mustaches:
        if inner.startswith("#*"):
            match = _INLINE.match(inner)
            if match is None:
                raise TemplateSyntaxError(
                    f"{{{{{inner}}}}}: the only decorator SES templates know is {{{{#* inline \"name\"}}}}", line)
            if defining is not None:
                raise TemplateSyntaxError(
                    f"{{{{{inner}}}}} inside the inline partial {defining[0]!r} of line {defining[1]}: "
                    "close that one with {{/inline}} first", line)
            name = match.group(1) or match.group(2)
            if name in partials:
                raise TemplateSyntaxError(f"the inline partial {name!r} is defined twice", line)
            defining = (name, line)
            partials[name] = []
        elif defining is not None and inner.replace(" ", "") == "/inline":
            defining = None
        elif defining is not None:
            partials[defining[0]].append((inner, line))
        else:
            body.append((inner, line))
    if defining is not None:
        raise TemplateSyntaxError(f"the inline partial {defining[0]!r} is never closed by {{{{/inline}}}}", defining[1])
    return body, partials


def _call_partial(inner: str, line: int, reading: _Reading, blocks: list[_Scope]) -> None:
    """``{{> name}}`` or ``{{> name obj}}``: the partial's placeholders, read in the caller's context."""
    words = _tokens(inner[1:].strip(), line)
    if not words:
        raise TemplateSyntaxError("{{>}} names no partial", line)
    name, arguments = words[0].strip("\"'"), words[1:]
    if name not in reading.partials:
        defined = ", ".join(repr(n) for n in reading.partials) or "none"
        raise TemplateSyntaxError(
            f"{{{{{inner}}}}} calls the partial {name!r}, which this part does not define "
            f"(SES templates call only inline partials, {{{{#* inline \"{name}\"}}}}...{{{{/inline}}}}; defined: {defined})",
            line)
    if any("=" in word for word in arguments) or len(arguments) > 1:
        raise TemplateSyntaxError(f"{{{{{inner}}}}}: a partial takes at most one context value, no key=value", line)
    if reading.calling.count(name) >= 2:
        # Deeper levels read what this one does: everything under this context counts as read.
        reading.found.append(Placeholder(f"> {name}", blocks[-1].path, reading.part, line))
        return
    depth = len(blocks)
    if arguments:
        placeholder = _argument(arguments[0], line, reading.part, blocks, reading.found, ">")
        path = blocks[-1].path if placeholder is None else placeholder.path
        blocks.append(_Scope(path, ">", line, context=True, loop=blocks[-1].loop))
    reading.calling.append(name)
    for body_inner, body_line in reading.partials[name]:
        _read_mustache(body_inner, body_line, reading, blocks)
        if len(blocks) < depth + bool(arguments):
            raise TemplateSyntaxError(
                f"{{{{{body_inner}}}}} in the inline partial {name!r} closes a block the partial did not open", body_line)
    reading.calling.pop()
    if len(blocks) > depth + bool(arguments):
        open_block = blocks[-1]
        raise TemplateSyntaxError(
            f"{{{{#{open_block.helper}}}}} in the inline partial {name!r} is never closed by {{{{/{open_block.helper}}}}}",
            open_block.line)
    del blocks[depth:]


def _read_mustache(inner: str, line: int, reading: _Reading, blocks: list[_Scope]) -> None:
    part, found = reading.part, reading.found
    if not inner:
        raise TemplateSyntaxError("{{}} names nothing", line)
    if inner.startswith("#>"):
        raise TemplateSyntaxError(f"{{{{{inner}}}}}: partial blocks are not supported: call an inline partial with {{{{> name}}}}", line)
    if inner.startswith(">"):
        _call_partial(inner, line, reading, blocks)
        return
    if inner.startswith("&"):
        inner = inner[1:].strip()
    if inner.startswith("#"):
        _open_block(inner[1:].strip(), line, part, blocks, found)
        return
    if inner.startswith("/"):
        _close_block(inner[1:].strip(), line, blocks)
        return
    if inner == "^" or inner == "else" or inner.startswith("else "):
        if len(blocks) == 1:
            raise TemplateSyntaxError(f"{{{{{inner}}}}} outside any block", line)
        rest = inner[4:].strip() if inner.startswith("else") else ""
        block = blocks[-1]
        if block.context:
            # The {{else}} of #each (an empty list) or #with renders in the enclosing context.
            outer = blocks[-2]
            blocks[-1] = _Scope(outer.path, block.helper, block.line, context=False, loop=outer.loop)
        if rest:
            # {{else if x}}: a chained condition read in the enclosing block's context.
            helper, *arguments = _tokens(rest, line)
            if helper not in ("if", "unless"):
                raise TemplateSyntaxError(f"{{{{else {rest}}}}}: only 'else if' and 'else unless' chain", line)
            for argument in arguments:
                _argument(argument, line, part, blocks, found, helper)
        return
    if inner.startswith("^"):
        raise TemplateSyntaxError(f"{{{{{inner}}}}}: write inverted sections as {{{{#unless ...}}}}", line)
    words = _tokens(inner, line)
    if len(words) > 1:
        raise TemplateSyntaxError(
            f"{{{{{inner}}}}} calls the helper {words[0]!r}: SES templates read values ({{{{name}}}}) and the "
            f"blocks {', '.join('#' + h for h in BLOCK_HELPERS)}", line
        )
    _argument(words[0], line, part, blocks, found, None)


def _open_block(inner: str, line: int, part: str, blocks: list[_Scope], found: list[Placeholder]) -> None:
    words = _tokens(inner, line)
    if not words:
        raise TemplateSyntaxError("{{#}} names no helper", line)
    helper, arguments = words[0], words[1:]
    if helper not in BLOCK_HELPERS:
        raise TemplateSyntaxError(
            f"{{{{#{inner}}}}}: {helper!r} is not a block SES templates know ({', '.join('#' + h for h in BLOCK_HELPERS)})",
            line,
        )
    if "as" in arguments:
        raise TemplateSyntaxError(f"{{{{#{inner}}}}}: block parameters (as |x|) are not supported: use this", line)
    if len(arguments) != 1:
        raise TemplateSyntaxError(f"{{{{#{inner}}}}}: #{helper} takes exactly one value", line)
    placeholder = _argument(arguments[0], line, part, blocks, found, helper)
    context = blocks[-1].path if placeholder is None else placeholder.path
    if helper == "each":
        blocks.append(_Scope(context + (ITEM,), helper, line, context=True, loop=True))
    elif helper == "with":
        blocks.append(_Scope(context, helper, line, context=True, loop=blocks[-1].loop))
    else:
        # #if / #unless keep the context (Handlebars 4: ../ skips them too).
        blocks.append(_Scope(blocks[-1].path, helper, line, context=False, loop=blocks[-1].loop))


def _close_block(name: str, line: int, blocks: list[_Scope]) -> None:
    if len(blocks) == 1:
        raise TemplateSyntaxError(f"{{{{/{name}}}}} closes no open block", line)
    open_block = blocks[-1]
    if name != open_block.helper:
        raise TemplateSyntaxError(
            f"{{{{/{name}}}}} closes {{{{#{open_block.helper}}}}} of line {open_block.line}: "
            f"close it with {{{{/{open_block.helper}}}}}", line
        )
    blocks.pop()


def _tokens(inner: str, line: int) -> list[str]:
    if "(" in inner and not any(q in inner for q in "\"'"):
        raise TemplateSyntaxError(f"{{{{{inner}}}}}: sub-expressions (...) are not supported", line)
    return _TOKEN.findall(inner)


def _argument(
    word: str, line: int, part: str, blocks: list[_Scope], found: list[Placeholder], helper: Optional[str]
) -> Optional[Placeholder]:
    """The placeholder ``word`` reads (added to ``found``), or ``None`` for a literal or loop variable."""
    if _LITERAL.match(word):
        return None
    if "=" in word:
        raise TemplateSyntaxError(f"{word!r}: hash arguments (key=value) are not supported", line)
    if word.startswith("@"):
        if word.startswith("@root"):
            rest = word[len("@root"):].lstrip("./")
            path = _segments(rest, word, line)
            placeholder = Placeholder(word, path, part, line, helper)
            found.append(placeholder)
            return placeholder
        if word in LOOP_VARIABLES and any(scope.loop for scope in blocks):
            return None
        raise TemplateSyntaxError(
            f"{word!r} is no data: only {', '.join(LOOP_VARIABLES)} inside {{{{#each}}}} and @root.name exist", line
        )
    contexts = [scope for scope in blocks if scope.context]
    depth = len(contexts) - 1
    rest = word
    while rest.startswith("../"):
        rest = rest[3:]
        depth -= 1
        if depth < 0:
            raise TemplateSyntaxError(f"{word!r} climbs above the top of the data", line)
    if rest in ("this", "."):
        rest = ""
    elif rest.startswith("this.") or rest.startswith("this/"):
        rest = rest[5:]
    elif rest.startswith("./"):
        rest = rest[2:]
    path = contexts[depth].path + _segments(rest, word, line)
    placeholder = Placeholder(word, path, part, line, helper)
    found.append(placeholder)
    return placeholder


def _segments(rest: str, word: str, line: int) -> tuple[str, ...]:
    """``user.first`` / ``user/first`` / ``user.[first name]`` -> the keys on the way."""
    if not rest:
        return ()
    segments = []
    for match in _SEGMENT.finditer(rest):
        segment = match.group(0)
        if segment.startswith("["):
            segments.append(segment[1:-1])
        elif _NAME.fullmatch(segment):
            segments.append(segment)
        else:
            raise TemplateSyntaxError(f"{word!r} is not a name such as user.first", line)
    if ".".join(m.group(0) for m in _SEGMENT.finditer(rest)) != re.sub(r"[./](?![^\[]*\])", ".", rest):
        raise TemplateSyntaxError(f"{word!r} is not a name such as user.first", line)
    return tuple(segments)


# --- the data ------------------------------------------------------------------------------------


def check_test_data(placeholders: Iterable[Placeholder], data: Any, data_name: str = "testData") -> list[DataProblem]:
    """Each placeholder without a value in ``data``, then each key of ``data`` nothing reads;
    messages call the data ``data_name`` (the config's ``testData``, the command's ``--data``).

    A path through a list (``#each``) has a value when at least one item has it (an item may
    leave out what an ``#if`` guards); an empty list leaves its items' placeholders unchecked, so
    it is reported. A value written out (``{{user}}``) uses everything under it; a block's value
    (``{{#each items}}``, ``{{#if user}}``) only itself, so what its items hold is still checked."""
    problems: list[DataProblem] = []
    whole: set[tuple[str, ...]] = set()
    reached: set[tuple[str, ...]] = set()
    for placeholder in placeholders:
        missing_at = _lookup(data, placeholder.path)
        if missing_at is None:
            reached.add(placeholder.path)
            if placeholder.helper is None:
                whole.add(placeholder.path)
            continue
        if missing_at[1]:
            reached.add(missing_at[1])  # the keys on the way exist: not unused, only short
        problems.append(DataProblem(_missing(placeholder, missing_at, data_name), placeholder=placeholder))
    problems.extend(
        DataProblem(f"{data_name}.{key} is read by no placeholder of the subject, text or html", data_key=key)
        for key in _unused(data, (), whole, reached)
    )
    return problems


def _lookup(data: Any, path: tuple[str, ...]) -> Optional[tuple[str, tuple[str, ...]]]:
    """``None`` when ``path`` has a value in ``data``; otherwise why not: ``(what, where)``."""
    values = [data]
    for depth, segment in enumerate(path):
        where = path[:depth]
        if segment == ITEM:
            walkable = [v for v in values if isinstance(v, (list, dict))]
            if not walkable:
                return "not a list", where
            values = [item for v in walkable for item in (v if isinstance(v, list) else v.values())]
            if not values:
                return "empty", where
            continue
        objects = [v for v in values if isinstance(v, dict)]
        if not objects:
            return "not an object", where
        values = [v[segment] for v in objects if segment in v]
        if not values:
            return "no key", where
    return None


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(f".{ITEM}", ITEM)


def _missing(placeholder: Placeholder, why: tuple[str, tuple[str, ...]], data_name: str) -> str:
    what, where = why
    holder = f"{data_name}.{_dotted(where)}" if where else data_name
    if what == "empty":
        reason = f"{holder} is an empty list: give it at least one item, so that its placeholders can be checked"
    elif what == "not a list":
        reason = f"{holder} is not a list (or object) for #each to walk"
    elif what == "not an object":
        reason = f"{holder} holds a plain value, not an object with keys"
    else:
        reason = f"{holder} has no key {placeholder.path[len(where)]!r}"
    return f"the placeholder {placeholder} has no value in {data_name}: {reason}"


def _unused(
    value: Any, path: tuple[str, ...], whole: set[tuple[str, ...]], reached: set[tuple[str, ...]]
) -> Iterator[str]:
    """Dotted keys under ``path`` that no placeholder reads, each once."""
    if path in whole:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            child = path + (str(key),)
            if not any(r[:len(child)] == child for r in reached):
                yield _dotted(child)
            else:
                yield from _unused(inner, child, whole, reached)
    elif isinstance(value, list):
        child = path + (ITEM,)
        seen: set[str] = set()
        for item in value:
            for key in _unused(item, child, whole, reached):
                if key not in seen:
                    seen.add(key)
                    yield key
