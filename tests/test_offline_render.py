"""The tiny template renderer: values, sections, inverted sections and errors."""

import pytest

from pipeline.engines.offline.render import TemplateError, load_template, render


def test_values_and_dart_interpolation_do_not_clash() -> None:
    assert render("'${{name}} is ${x}'", {"name": "y"}) == "'$y is ${x}'"


def test_list_sections_repeat_and_standalone_tags_take_their_line() -> None:
    text = "start\n{{#items}}\n- {{name}} of {{owner}}\n{{/items}}\nend\n"
    context = {"owner": "me", "items": [{"name": "a"}, {"name": "b"}]}
    assert render(text, context) == "start\n- a of me\n- b of me\nend\n"


def test_boolean_and_inverted_sections() -> None:
    text = "{{#on}}yes{{/on}}{{^on}}no{{/on}}"
    assert render(text, {"on": True}) == "yes"
    assert render(text, {"on": False}) == "no"
    assert render("{{^items}}none{{/items}}", {"items": []}) == "none"


@pytest.mark.parametrize(("text", "message"), [
    ("{{missing}}", "not in the context"),
    ("{{#items}}x", "never closed"),
    ("{{#on}}x{{/off}}", "never closed"),
    ("x{{/on}}", "closed but"),
    ("{{#name}}x{{/name}}", "is text, not a section"),
    ("{{items}}", "is a section, not text"),
])
def test_mistakes_raise_template_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(text, {"on": True, "name": "n", "items": []})


def test_templates_load_from_the_package() -> None:
    assert "class {{cls}} {" in load_template("model.dart")
    with pytest.raises(TemplateError, match=r"no template flutter/nope\.dart"):
        load_template("nope.dart")
