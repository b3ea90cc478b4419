"""The Handlebars placeholders of an SES template, and whether its test data fills them."""

from __future__ import annotations

import pytest

from ses_domains.config.handlebars import ITEM, TemplateSyntaxError, check_test_data, parse_placeholders


def paths(text: str) -> list[tuple[str, ...]]:
    return [p.path for p in parse_placeholders(text, "html")]


def messages(text: str, data: dict) -> list[str]:
    return [p.message for p in check_test_data(parse_placeholders(text, "html"), data)]


def test_values_nested_paths_and_triple_stash_are_read_from_the_root():
    assert paths("Hi {{name}}, {{user.first}} {{{ raw }}} {{& alsoRaw}} {{user/last}}") == [
        ("name",), ("user", "first"), ("raw",), ("alsoRaw",), ("user", "last"),
    ]


def test_inside_each_names_are_the_items_and_dot_dot_climbs_out():
    text = "{{#each items}}{{title}} {{this.price}} {{@index}} {{../currency}}{{/each}}"
    assert paths(text) == [("items",), ("items", ITEM, "title"), ("items", ITEM, "price"), ("currency",)]


def test_nested_each_and_with_change_the_context_but_if_does_not():
    text = ("{{#with order}}{{#if paid}}{{#each lines}}{{sku}} {{../id}}{{/each}}{{/if}}{{/with}}"
            "{{#each tags}}{{this}}{{/each}}")
    assert paths(text) == [
        ("order",), ("order", "paid"), ("order", "lines"), ("order", "lines", ITEM, "sku"), ("order", "id"),
        ("tags",), ("tags", ITEM),
    ]


def test_the_else_of_each_renders_in_the_enclosing_context():
    assert paths("{{#each items}}{{title}}{{else}}{{emptyText}}{{/each}}") == [
        ("items",), ("items", ITEM, "title"), ("emptyText",),
    ]


def test_comments_escapes_literals_and_loop_variables_are_no_placeholders():
    text = ("{{! a comment {{name}} }}{{!-- {{hidden}} --}}\\{{literal}} "
            "{{#each xs}}{{@index}}{{@first}}{{/each}}{{#if true}}x{{/if}}{{~ spaced ~}}")
    assert paths(text) == [("xs",), ("spaced",)]


def test_else_if_chains_read_in_the_blocks_context_and_lines_are_counted():
    found = parse_placeholders("line one\n{{#if a}}A{{else if b}}B{{else}}C{{/if}}\n{{c}}", "text")
    assert [(p.path, p.line, p.helper) for p in found] == [(("a",), 2, "if"), (("b",), 2, "if"), (("c",), 3, None)]
    assert str(found[0]) == "{{#if a}} in text (line 2)"


@pytest.mark.parametrize("text, expected", [
    ("{{#if x}}open", "{{#if}} is never closed by {{/if}} (line 1)"),
    ("{{/each}}", "{{/each}} closes no open block"),
    ("{{#each a}}\n{{/if}}", "{{/if}} closes {{#each}} of line 1: close it with {{/each}} (line 2)"),
    ("{{> footer}}", "calls the partial 'footer', which this part does not define"),
    ('{{#* inline "a"}}x{{/inline}}{{> b}}', "calls the partial 'b', which this part does not define "
                                              "(SES templates call only inline partials"),
    ('{{#* inline "a"}}x', "the inline partial 'a' is never closed by {{/inline}}"),
    ('{{#* inline "a"}}{{/inline}}{{#* inline "a"}}{{/inline}}', "the inline partial 'a' is defined twice"),
    ('{{#* inline "a"}}{{#if x}}{{/inline}}{{> a}}', "{{#if}} in the inline partial 'a' is never closed"),
    ('{{#if x}}{{#* inline "a"}}{{/if}}{{/inline}}{{> a}}{{/if}}', "closes a block the partial did not open"),
    ("{{#> layout}}x{{/layout}}", "partial blocks are not supported"),
    ('{{#* decorate "a"}}', "the only decorator SES templates know is {{#* inline \"name\"}}"),
    ("{{format date}}", "calls the helper 'format'"),
    ("{{#loop xs}}{{/loop}}", "'loop' is not a block SES templates know (#if, #unless, #each, #with)"),
    ("Hi {{name", "is never closed by }}"),
    ("{{else}}", "{{else}} outside any block"),
    ("{{#each xs as |x|}}{{/each}}", "block parameters (as |x|) are not supported"),
    ("{{#if (eq a b)}}{{/if}}", "sub-expressions (...) are not supported"),
    ("{{a..b}}", "'a..b' is not a name such as user.first"),
    ("{{../up}}", "'../up' climbs above the top of the data"),
    ("{{@index}}", "'@index' is no data"),
    ("{{}}", "{{}} names nothing"),
])
def test_what_ses_cannot_render_is_refused_with_the_line(text, expected):
    with pytest.raises(TemplateSyntaxError) as raised:
        parse_placeholders(text, "text")
    assert expected in str(raised.value)


def test_an_inline_partial_reads_its_placeholders_where_it_is_called():
    text = ('{{#* inline "line"}}{{sku}}: {{qty}} {{../currency}}{{/inline}}\n'
            "{{#each items}}{{> line}}{{/each}}{{> \"line\" total}}")
    found = parse_placeholders(text, "html")
    assert [p.path for p in found] == [
        ("items",), ("items", ITEM, "sku"), ("items", ITEM, "qty"), ("currency",),
        ("total",), ("total", "sku"), ("total", "qty"), ("currency",),
    ]
    assert [p.line for p in found][:2] == [2, 1]  # the call's line, then the body's own lines
    assert messages(text, {"items": [{"sku": "A", "qty": 1}], "currency": "EUR", "total": {"sku": "all", "qty": 1}}) == []
    assert messages(text, {"items": [{"sku": "A"}], "currency": "EUR", "total": {"sku": "all", "qty": 1}}) == [
        "the placeholder {{qty}} in html (line 1) has no value in testData: testData.items[] has no key 'qty'",
    ]


def test_a_partial_that_is_defined_but_never_called_reads_nothing_and_a_recursive_one_ends():
    assert paths('{{#* inline "unused"}}{{ghost}}{{/inline}}{{name}}') == [("name",)]
    text = '{{#* inline "tree"}}{{label}}{{#each children}}{{> tree}}{{/each}}{{/inline}}{{> tree}}'
    assert paths(text) == [("label",), ("children",), ("children", ITEM, "label"), ("children", ITEM, "children"),
                           ("children", ITEM, "children", ITEM)]
    assert messages(text, {"label": "root", "children": [{"label": "leaf", "children": [{"label": "deeper"}]}]}) == []


def test_every_placeholder_with_a_value_and_every_key_read_means_no_problem():
    text = "{{user.first}} {{#each items}}{{title}}{{/each}} {{#if vip}}!{{/if}}"
    assert messages(text, {"user": {"first": "Ada"}, "items": [{"title": "Tea"}], "vip": False}) == []


def test_a_missing_placeholder_is_named_with_its_part_line_and_what_the_data_lacks():
    assert messages("Hello\n{{user.frist}}", {"user": {"first": "Ada"}}) == [
        "the placeholder {{user.frist}} in html (line 2) has no value in testData: testData.user has no key 'frist'",
        "testData.user.first is read by no placeholder of the subject, text or html",
    ]


def test_inside_each_a_name_must_be_in_the_items_and_an_empty_list_cannot_be_checked():
    text = "{{#each items}}{{title}}{{/each}}"
    assert messages(text, {"items": [{"name": "Tea"}]}) == [
        "the placeholder {{title}} in html (line 1) has no value in testData: testData.items[] has no key 'title'",
        "testData.items[].name is read by no placeholder of the subject, text or html",
    ]
    assert messages(text, {"items": []}) == [
        "the placeholder {{title}} in html (line 1) has no value in testData: testData.items is an empty list: "
        "give it at least one item, so that its placeholders can be checked"
    ]
    assert "is not a list (or object) for #each to walk" in messages(text, {"items": 3})[0]


def test_an_item_may_leave_out_what_another_item_has():
    text = "{{#each items}}{{#if note}}{{note}}{{/if}}{{/each}}"
    assert messages(text, {"items": [{"note": "x"}, {}]}) == []


def test_a_value_written_whole_uses_everything_under_it_but_a_block_does_not():
    assert messages("{{user}}", {"user": {"first": "Ada", "last": "L"}}) == []
    assert messages("{{#if user}}hi{{/if}}", {"user": {"first": "Ada"}}) == [
        "testData.user.first is read by no placeholder of the subject, text or html"
    ]


def test_a_plain_value_where_keys_are_read_is_reported():
    assert messages("{{user.first}}", {"user": "Ada"}) == [
        "the placeholder {{user.first}} in html (line 1) has no value in testData: testData.user holds a plain "
        "value, not an object with keys"
    ]
