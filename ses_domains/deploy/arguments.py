"""A public component's arguments, judged by the config layer's own rules before anything is declared.

The components take snake_case arguments (``display_name``); the config readers judge camelCase
mappings (``displayName``) and name each problem by its config key. :func:`config_mapping` turns
arguments into such a mapping and :func:`argument_path` turns a config key back into the
argument's path (``topics[1].display_name``), so one rule, with one wording, serves both ways in.

An argument that is an ``Output`` (a name another resource gives) cannot be judged before it is
known: :class:`CheckedArgs` judges everything else at once, and the whole again in an apply once
the outputs are known; that apply raises the same :class:`ArgumentError`, which fails the
resources fed from it.
"""

import difflib
import inspect
import re
from typing import Any, Callable, Iterable, Mapping, Optional, Union

import pulumi

from ses_domains.config.errors import ArgumentError, Problem

ROOT = "<args>"
"""The key the config readers are given for the arguments themselves."""

Path = tuple[Union[str, int], ...]
Check = Callable[[dict], list[Problem]]


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def config_mapping(args: Any, free: Iterable[str] = ()) -> Any:
    """``args`` with every key in camelCase, recursively, except inside the arguments named in
    ``free`` (their keys are the user's own, such as a template's placeholder names); ``None``
    values are left out, as a key left out of the config."""
    free = set(free)
    if isinstance(args, Mapping):
        return {
            camel_case(key): value if key in free else config_mapping(value, free)
            for key, value in args.items()
            if value is not None
        }
    if isinstance(args, (list, tuple)):
        return [config_mapping(item, free) for item in args]
    return args


def argument_path(config_key: str, known_keys: Iterable[str], root: str = ROOT) -> str:
    """``<args>.topics[1].displayName`` -> ``topics[1].display_name``; the config keys in ``known_keys``
    are spelled in snake_case, anything else (a placeholder name) stays as written."""
    rest = config_key[len(root):] if config_key.startswith(root) else config_key
    rest = rest.lstrip(".")
    known = {key: snake_case(key) for key in known_keys}
    path = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda match: known.get(match.group(0), match.group(0)), rest)
    return path or "args"


def as_arguments(problems: Iterable[Problem], known_keys: Iterable[str], root: str = ROOT) -> list[Problem]:
    """Problems found under config keys, renamed to argument paths (in their messages too: "already
    declared at templates[0]"). The config's "unknown key" problems are left to
    :func:`unknown_arguments`, which names the snake_case arguments."""
    known = tuple(known_keys)
    mentioned = re.compile(re.escape(ROOT) + r"[\w\[\].]*")
    return [
        Problem(argument_path(problem.key, known, root),
                mentioned.sub(lambda match: argument_path(match.group(0), known, root), problem.message))
        for problem in problems
        if not problem.message.startswith("unknown key")
    ]


def unknown_arguments(args: Mapping, known: Iterable[str], prefix: str = "") -> list[Problem]:
    """A key the argument type does not have: a typo in Python, where a TypedDict checks nothing."""
    known = tuple(known)
    problems = []
    for key in args:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(Problem(f"{prefix}{key}", f"unknown argument{hint} (known arguments: {', '.join(known)})"))
    return problems


def render(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _outputs(value: Any, path: Path = ()) -> dict[Path, pulumi.Output]:
    if isinstance(value, pulumi.Output):
        return {path: value}
    if inspect.isawaitable(value):
        return {path: pulumi.Output.from_input(value)}
    if isinstance(value, Mapping):
        return {found: out for key, item in value.items() for found, out in _outputs(item, (*path, key)).items()}
    if isinstance(value, (list, tuple)):
        return {found: out for index, item in enumerate(value) for found, out in _outputs(item, (*path, index)).items()}
    return {}


def _with(value: Any, values: Mapping[Path, Any], path: Path = ()) -> Any:
    if path in values:
        return values[path]
    if isinstance(value, Mapping):
        return {key: _with(item, values, (*path, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with(item, values, (*path, index)) for index, item in enumerate(value)]
    return value


def _get(value: Any, path: Path, default: Any) -> Any:
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return default
    return default if value is None else value


def _related(key: str, path: str) -> bool:
    """Whether a problem under ``key`` may come from the unknown argument at ``path`` (is at it,
    under it, or about a mapping that holds it)."""
    if key == "args":
        return True
    return any(
        longer == shorter or longer.startswith(shorter + ".") or longer.startswith(shorter + "[")
        for longer, shorter in ((key, path), (path, key))
    )


class CheckedArgs:
    """The arguments of ``component`` (its type name), judged by ``check`` (which returns every problem under argument paths).

    Raises :class:`ArgumentError` at once for every problem not caused by an unknown output;
    :meth:`get` gives an argument's value, an ``Output`` judged again when everything is known
    for the arguments that were outputs."""

    def __init__(self, component: str, args: Optional[Mapping], check: Check):
        self.raw = {key: value for key, value in dict(args or {}).items() if value is not None}
        self._unknown = _outputs(self.raw)
        self.values = _with(self.raw, {path: None for path in self._unknown})
        unknown_paths = [render(path) for path in self._unknown]
        problems = [p for p in check(self.values) if not any(_related(p.key, path) for path in unknown_paths)]
        if problems:
            raise ArgumentError(component, problems)
        self._resolved: Optional[pulumi.Output] = None
        if self._unknown:
            paths = list(self._unknown)

            def judged(values: list) -> dict:
                full = _with(self.raw, dict(zip(paths, values)))
                found = check(full)
                if found:
                    raise ArgumentError(component, found)
                return full

            self._resolved = pulumi.Output.all(*self._unknown.values()).apply(judged)

    def is_known(self, *path: Union[str, int]) -> bool:
        shown = render(path)
        return not any(_related(render(unknown), shown) for unknown in self._unknown)

    def get(self, *path: Union[str, int], default: Any = None) -> Any:
        if self._resolved is not None and not self.is_known(*path):
            return self._resolved.apply(lambda full: _get(full, path, default))
        return _get(self.values, path, default)
