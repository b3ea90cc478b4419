"""``ses-domains:templates`` through the real program: the SES templates declared, and every
template that could not render refused at preview, naming the key and the placeholder."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest

from ses_domains.config.errors import ConfigError
from ses_domains.config.stack import read_stack_config
from tests.aws_rules import check_resources
from tests.pulumi_program import RecordingMocks, refused_at_preview, run_program

TEMPLATE = "aws:ses/template:Template"
T = "ses-domains:templates"
WELCOME_HTML = Path(__file__).parent / "stacks" / "templates" / "welcome.html"


def stack(*templates) -> dict:
    return {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], T: list(templates)}


def test_each_template_is_one_ses_template_with_its_explicit_name_and_parts():
    run = run_program(stack(
        {"name": "welcome", "subject": "Welcome, {{user.first}}", "htmlFile": "tests/stacks/templates/welcome.html",
         "text": "Hi {{user.first}}, mail goes to {{user.email}}; {{#each items}}{{title}} {{price}}{{/each}}",
         "testData": {"user": {"first": "Ada", "email": "ada@example.org"}, "items": [{"title": "Tea", "price": 2}]}},
        {"name": "plain_2", "subject": "No placeholders", "text": "Just text."},
    ))

    declared = run.of_type(TEMPLATE)
    assert [(t.name, t.inputs) for t in declared] == [
        ("template-welcome", {
            "name": "welcome", "subject": "Welcome, {{user.first}}",
            "text": "Hi {{user.first}}, mail goes to {{user.email}}; {{#each items}}{{title}} {{price}}{{/each}}",
            "html": WELCOME_HTML.read_text(),
        }),
        ("template-plain_2", {"name": "plain_2", "subject": "No placeholders", "text": "Just text."}),
    ]
    assert set(run.outputs["templates"]) == {"welcome", "plain_2"}
    report = check_resources(declared)
    assert [(r.service, r.operation) for r in report.requests] == [("ses", "CreateTemplate")] * 2
    assert report.requests[1].params == {"Template": {
        "TemplateName": "plain_2", "SubjectPart": "No placeholders", "TextPart": "Just text."}}
    assert not report.violations, report.describe()


def test_a_rename_is_a_new_resource_and_a_replacement_deletes_first(monkeypatch):
    from ses_domains.deploy import templates as module

    options = {}
    real = module.aws.ses.Template

    def recording(resource_name, **kwargs):
        options[resource_name] = kwargs["opts"]
        return real(resource_name, **kwargs)

    monkeypatch.setattr(module.aws.ses, "Template", recording)
    first = run_program(stack({"name": "welcome", "subject": "s", "text": "t"}))
    renamed = run_program(stack({"name": "welcome_v2", "subject": "s", "text": "t"}))

    # The resource is named by the template: a rename deletes one resource and creates another.
    assert [t.name for t in first.of_type(TEMPLATE)] == ["template-welcome"]
    assert [t.name for t in renamed.of_type(TEMPLATE)] == ["template-welcome_v2"]
    # `pulumi up --replace` keeps the name, which SES holds once: the old one goes first.
    assert options["template-welcome"].delete_before_replace is True


def test_a_template_file_is_read_from_the_project_directory_given(tmp_path):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "hi.txt").write_text("Hi {{name}}\n", encoding="utf-8")
    config = {"templates": [{"name": "hi", "subject": "Hi", "textFile": "mail/hi.txt", "testData": {"name": "A"}}],
              "domains": [{"domain": "example.com"}]}

    spec = read_stack_config(config.get, {"region": "eu-west-1"}.get, project_dir=tmp_path)

    (template,) = spec.templates
    assert (template.name, template.text, template.html) == ("hi", "Hi {{name}}\n", None)
    assert [p.dotted for p in template.placeholders] == ["name"]
    assert template.test_data == {"name": "A"}
    with pytest.raises(ConfigError) as raised:
        read_stack_config(config.get, {"region": "eu-west-1"}.get, project_dir=tmp_path / "elsewhere")
    assert f"{T}[0].textFile: there is no file mail/hi.txt in the project directory {tmp_path / 'elsewhere'}" in str(
        raised.value)


def test_the_command_reads_template_files_beside_the_stack_file(tmp_path):
    from ses_domains.cli.stack_file import load_stack

    (tmp_path / "hi.html").write_text("<p>{{name}}</p>", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  ses-domains:domains: [{domain: example.com}]\n"
        "  ses-domains:templates: [{name: hi, subject: Hi, htmlFile: hi.html, testData: {name: A}}]\n")

    (template,) = load_stack(tmp_path, "dev").spec.templates
    assert template.html == "<p>{{name}}</p>"


BAD = [
    ({"subject": "s", "text": "t"}, f"{T}[0].name: is required: the template name you send with, such as welcome"),
    ({"name": "welcome page", "subject": "s", "text": "t"},
     f"{T}[0].name: 'welcome page' is not a valid SES template name: use letters, digits, _ and -, at most 64 characters"),
    ({"name": "x" * 65, "subject": "s", "text": "t"}, "is not a valid SES template name"),
    ({"name": "w", "text": "t"}, f"{T}[0].subject: is required: SES sends no templated message without a subject line"),
    ({"name": "w", "subject": "a\nb", "text": "t"}, f"{T}[0].subject: must be one line"),
    ({"name": "w", "subject": "s"}, f"{T}[0]: needs a body: text or textFile, html or htmlFile (or one of each)"),
    ({"name": "w", "subject": "s", "text": "t", "textFile": "tests/stacks/templates/welcome.txt"},
     f"{T}[0]: gives both text and textFile: keep one"),
    ({"name": "w", "subject": "s", "htmlFile": "tests/stacks/templates/missing.html"},
     f"{T}[0].htmlFile: there is no file tests/stacks/templates/missing.html in the project directory"),
    ({"name": "w", "subject": "s", "text": "t", "testData": ["a"]},
     f"{T}[0].testData: must be a mapping of placeholder names to values, got ['a']"),
    ({"name": "w", "subject": "Hi {{name}}", "text": "t"},
     f"{T}[0].subject: the placeholder {{{{name}}}} in subject (line 1) has no value in testData: testData has no key 'name'"),
    ({"name": "w", "subject": "s", "html": "<p>\n{{user.frist}}</p>", "testData": {"user": {"first": "A"}}},
     f"{T}[0].html: the placeholder {{{{user.frist}}}} in html (line 2) has no value in testData"),
    ({"name": "w", "subject": "s", "text": "t", "testData": {"unused": 1}},
     f"{T}[0].testData.unused: is read by no placeholder of the subject, text or html"),
    ({"name": "w", "subject": "s", "text": "{{#each items}}{{title}}{{/if}}", "testData": {"items": [{"title": 1}]}},
     f"{T}[0].text: {{{{/if}}}} closes {{{{#each}}}} of line 1: close it with {{{{/each}}}} (line 1); SES could not render it"),
    ({"name": "w", "subject": "s", "text": "x" * (500 * 1024)},
     f"{T}[0]: is 512,001 bytes (subject, text and html together): SES takes at most 512,000"),
    ({"name": "w", "subject": "s", "text": "t", "colour": "red"}, f"{T}[0].colour: unknown key"),
    ({"name": "w", "subject": "s", "html": '{{#* inline "row"}}<td>{{sku}}</td>{{/inline}}{{> footer}}'},
     f"{T}[0].html: {{{{> footer}}}} calls the partial 'footer', which this part does not define"),
]


@pytest.mark.parametrize("template, expected", BAD, ids=[expected.split(": ", 1)[-1][:40] for _, expected in BAD])
def test_a_bad_template_is_refused_under_its_key_before_anything_is_declared(template, expected):
    assert expected in refused_at_preview(stack(template))


def test_a_template_with_an_inline_partial_is_declared_as_written():
    html = ('{{#* inline "row"}}<tr><td>{{sku}}</td><td>{{qty}}</td></tr>{{/inline}}'
            "<table>{{#each items}}{{> row}}{{/each}}</table>")
    mocks = RecordingMocks()
    run_program(stack({"name": "order", "subject": "Your order", "html": html,
                       "testData": {"items": [{"sku": "tea", "qty": 2}]}}), mocks=mocks)
    [template] = [r for r in mocks.resources if r.type == TEMPLATE]
    assert template.inputs["html"] == html
    check_resources(mocks.resources)


def test_a_placeholder_missing_from_a_template_file_names_the_file_key():
    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program(stack({"name": "welcome", "subject": "Hi", "htmlFile": "tests/stacks/templates/welcome.html",
                           "testData": {"user": {"first": "Ada"}, "items": [{"title": "Tea", "price": 1}]}}),
                    mocks=mocks)
    assert (f"{T}[0].htmlFile: the placeholder {{{{user.email}}}} in html (line 11) has no value in testData: "
            "testData.user has no key 'email'") in str(raised.value)
    assert mocks.resources == []


def test_two_templates_of_one_name_and_a_list_that_is_no_list_are_refused():
    with pytest.raises(pulumi.RunError) as raised:
        run_program(stack({"name": "w", "subject": "s", "text": "t"}, {"name": "w", "subject": "s", "html": "h"}))
    assert f"{T}[1].name: the template w is already declared at {T}[0]" in str(raised.value)

    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], T: {"name": "w"}})
    assert f"{T}: must be a list of templates" in str(raised.value)


@pytest.fixture
def project_beside_a_secret(tmp_path, monkeypatch):
    """A project directory (the program's working directory), a file beside it and a link to that file."""
    project = tmp_path / "project"
    (project / "mail").mkdir(parents=True)
    (tmp_path / "outside.html").write_text("<p>not part of the project</p>", encoding="utf-8")
    (project / "mail" / "link.html").symlink_to(tmp_path / "outside.html")
    (project / "mail" / "inside.html").write_text("<p>hello</p>", encoding="utf-8")
    monkeypatch.chdir(project)
    return project


OUTSIDE = [
    ("/etc/hostname", "/etc/hostname is an absolute path; give a path relative to the project directory {project}"),
    ("../outside.html", "../outside.html is outside the project directory {project} (it leads to {tmp}/outside.html); "
                        "a template file must be inside it"),
    ("mail/../../outside.html", "mail/../../outside.html is outside the project directory {project}"),
    ("mail/link.html", "mail/link.html is outside the project directory {project} (it leads to {tmp}/outside.html)"),
]


@pytest.mark.parametrize("path, expected", OUTSIDE)
def test_a_template_file_outside_the_project_is_refused_at_preview(project_beside_a_secret, path, expected):
    project = project_beside_a_secret
    message = refused_at_preview(stack({"name": "w", "subject": "s", "htmlFile": path}))
    assert f"{T}[0].htmlFile: " + expected.format(project=project, tmp=project.parent) in message
    assert "not part of the project" not in message


def test_a_template_file_inside_the_project_is_read(project_beside_a_secret):
    run = run_program(stack({"name": "w", "subject": "s", "htmlFile": "mail/inside.html"}))
    (template,) = run.of_type(TEMPLATE)
    assert template.inputs["html"] == "<p>hello</p>"


@pytest.mark.parametrize("path, expected", OUTSIDE)
def test_the_command_refuses_a_template_file_outside_the_project(capsys, project_beside_a_secret, path, expected):
    from tests.cli_fixtures import run_command, write_stack

    project = project_beside_a_secret
    write_stack(project, "dev", stack({"name": "w", "subject": "s", "htmlFile": path}))
    code, out, err = run_command(capsys, "iam-policy", "--stack", "dev", "--account-id", "123456789012")
    assert code == 2 and out == ""
    assert f"{T}[0].htmlFile: " + expected.format(project=project, tmp=project.parent) in err
