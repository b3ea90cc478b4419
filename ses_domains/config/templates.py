"""``ses-domains:templates``: SES email templates, and the test data that fills them.

Each entry becomes a frozen ``TemplateSpec``: a name (SES's rule: letters, digits, ``_`` and
``-``, at most 64), a subject, and a text and/or an HTML body, each written inline (``text``,
``html``) or read from a file of the repository (``textFile``, ``htmlFile``: a path relative to
the Pulumi project directory, where ``Pulumi.yaml`` is). Every placeholder of the subject and the
bodies must have a value in ``testData`` and every key of ``testData`` must be read by one, so
that a template that cannot render is refused at preview, naming the placeholder, instead of by
SES when the first message is sent. ``testData`` is what ``ses-domains send-test --template``
sends by default.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, first_of_each_name, as_text, describe
from ses_domains.config.handlebars import Placeholder, TemplateSyntaxError, check_test_data, parse_placeholders

TEMPLATE_KEYS = ("name", "subject", "text", "textFile", "html", "htmlFile", "testData")
BODIES = (("text", "textFile"), ("html", "htmlFile"))
MAX_TEMPLATE_BYTES = 500 * 1024
"""SES: a template, subject and both bodies together, is at most 500 KB (the provider checks each
body against the same 512,000)."""

_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    """The config key of this entry (``ses-domains:templates[0]``), for messages about it."""
    name: str
    subject: str
    text: Optional[str]
    html: Optional[str]
    test_data: dict = field(default_factory=dict, hash=False)
    """A JSON object giving every placeholder a value (a copy of the config's)."""
    placeholders: tuple[Placeholder, ...] = ()
    """Of the subject, text and html, in that order."""


def read_templates(raw: Any, key: str, problems: Problems, project_dir: Path) -> tuple[TemplateSpec, ...]:
    """Every valid entry, in config order (bad entries are reported and left out)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(key, f"must be a list of templates, each at least {{name, subject, text or html}}, "
                          f"got {describe(raw)}")
        return ()
    read = (read_template(item, f"{key}[{index}]", problems, project_dir) for index, item in enumerate(raw))
    return tuple(first_of_each_name((spec for spec in read if spec is not None), "template", problems))


def read_template(raw: Any, key: str, problems: Problems, project_dir: Path) -> Optional[TemplateSpec]:
    before = len(problems.found)
    section = Section(raw, key, problems, TEMPLATE_KEYS)
    name = _name(section)
    subject = section.string("subject")
    if subject is None and not section.has("subject"):
        section.problem("subject", "is required: SES sends no templated message without a subject line")
    elif subject is not None and ("\n" in subject or "\r" in subject):
        section.problem("subject", "must be one line: a subject is a single header line")
        subject = None
    bodies = {body: _body(section, body, from_file, project_dir) for body, from_file in BODIES}
    if not any(section.has(k) for pair in BODIES for k in pair):
        section.problems.add(key, "needs a body: text or textFile, html or htmlFile (or one of each)")
    test_data = _test_data(section)
    if len(problems.found) != before or name is None or subject is None:
        return None
    parts = {"subject": subject, **bodies}
    size = sum(len(part.encode("utf-8")) for part in parts.values() if part)
    if size > MAX_TEMPLATE_BYTES:
        problems.add(key, f"is {size:,} bytes (subject, text and html together): SES takes at most "
                          f"{MAX_TEMPLATE_BYTES:,}")
        return None
    placeholders = _placeholders(section, parts)
    if placeholders is None:
        return None
    for problem in check_test_data(placeholders, test_data):
        if problem.placeholder is not None:
            section.problem(_where(section, problem.placeholder.part), problem.message)
        else:
            section.problem(f"testData.{problem.data_key}", problem.message.split(" ", 1)[1])
    if len(problems.found) != before:
        return None
    return TemplateSpec(key=key, name=name, subject=subject, text=bodies["text"], html=bodies["html"],
                        test_data=test_data, placeholders=placeholders)


def _name(section: Section) -> Optional[str]:
    value = as_text(section.raw.get("name"))
    if value is None:
        section.problem("name", "is required: the template name you send with, such as welcome")
        return None
    if not isinstance(value, str) or not _TEMPLATE_NAME.match(value):
        section.problem("name", f"{describe(value)} is not a valid SES template name: use letters, digits, _ and -, "
                                "at most 64 characters")
        return None
    return value


def _body(section: Section, inline: str, from_file: str, project_dir: Path) -> Optional[str]:
    if section.has(inline) and section.has(from_file):
        section.problems.add(section.key, f"gives both {inline} and {from_file}: keep one")
        return None
    if section.has(inline):
        return section.string(inline)
    if not section.has(from_file):
        return None
    path = section.raw[from_file]
    if not isinstance(path, str) or not path.strip():
        section.problem(from_file, f"must be a path relative to the project directory, got {describe(path)}")
        return None
    where = _inside_project(section, from_file, path, project_dir)
    if where is None:
        return None
    try:
        content = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        section.problem(from_file, f"there is no file {path} in the project directory {project_dir.resolve()}")
        return None
    except UnicodeDecodeError as error:
        section.problem(from_file, f"{path} is not UTF-8 text ({error.reason} at byte {error.start})")
        return None
    except OSError as error:
        section.problem(from_file, f"cannot read {path} in {project_dir.resolve()}: {error.strerror}")
        return None
    if not content.strip():
        section.problem(from_file, f"{path} is empty")
        return None
    return content


def _inside_project(section: Section, from_file: str, path: str, project_dir: Path) -> Optional[Path]:
    """The file, if it is inside the project directory once every link is followed: a stack file
    must not make the program upload, as a template, a file from elsewhere on the machine."""
    root = project_dir.resolve()
    if Path(path).is_absolute():
        section.problem(from_file, f"{path} is an absolute path; give a path relative to the project directory {root}")
        return None
    where = (root / path).resolve()
    if root not in where.parents:
        section.problem(from_file, f"{path} is outside the project directory {root} (it leads to {where}); a "
                                   "template file must be inside it")
        return None
    return where


def _test_data(section: Section) -> dict:
    raw = section.raw.get("testData")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        section.problem("testData", f"must be a mapping of placeholder names to values, got {describe(raw)}")
        return {}
    return copy.deepcopy(raw)


def _placeholders(section: Section, parts: dict[str, Optional[str]]) -> Optional[tuple[Placeholder, ...]]:
    found: list[Placeholder] = []
    broken = False
    for part, text in parts.items():
        if text is None:
            continue
        try:
            found.extend(parse_placeholders(text, part))
        except TemplateSyntaxError as error:
            section.problem(_where(section, part), f"{error}; SES could not render it")
            broken = True
    return None if broken else tuple(found)


def _where(section: Section, part: str) -> str:
    """The key a part was given under: ``html`` or ``htmlFile``."""
    return f"{part}File" if section.has(f"{part}File") else part
