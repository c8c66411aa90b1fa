"""The one cleaner of hostile text: NUL refused, other control characters removed, CSV
cells bounded, formula cells escaped; and every form of the product uses it."""

import csv
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError

from mentoring.forms import CleanTextMixin, SignupForm
from mentoring.validators import (
    MAX_CELL_CHARS,
    NUL_MESSAGE,
    clean_cell,
    clean_text,
    contains_nul,
    csv_rows,
    formula_safe,
    strip_control_characters,
)


def test_control_characters_are_removed_but_tabs_and_line_breaks_kept():
    assert strip_control_characters("a\x01b\x08c\x0bd\x1be\x7ff\x85g\x9fh") == "abcdefgh"
    assert strip_control_characters("line one\r\n\tline two\n") == "line one\r\n\tline two\n"
    assert strip_control_characters("Zoë 😀 日本 \u200b") == "Zoë 😀 日本 \u200b"


def test_a_nul_is_refused_with_a_message_in_a_string_or_a_list():
    with pytest.raises(ValidationError) as error:
        clean_text("a\x00b")
    assert error.value.messages == [NUL_MESSAGE]
    with pytest.raises(ValidationError):
        clean_text(["fine", "not\x00fine"])
    assert clean_text(["a\x07", "b"]) == ["a", "b"]
    assert clean_text(None) is None
    assert contains_nul({"key": ["deep", {"x\x00": 1}]})
    assert not contains_nul({"key": ["deep", {"x": 1}]})


def test_a_cell_is_refused_for_a_nul_or_its_length_and_unescaped_from_a_formula():
    with pytest.raises(ValidationError, match="NUL character"):
        clean_cell("x\x00")
    with pytest.raises(ValidationError, match="longer than 131,072 characters"):
        clean_cell("x" * (MAX_CELL_CHARS + 1))
    assert clean_cell("x" * MAX_CELL_CHARS) == "x" * MAX_CELL_CHARS
    assert clean_cell("'=1+1") == "=1+1"
    assert clean_cell("'plain") == "'plain"  # only an escaped formula loses its apostrophe


@pytest.mark.parametrize("value", ["=1+1", "+44 1632", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_cell_is_escaped_and_read_back_as_it_was(value):
    assert formula_safe(value) == "'" + value
    assert clean_cell(formula_safe(value)) == value


def test_plain_cells_are_written_as_they_are():
    assert formula_safe("Officer") == "Officer"
    assert formula_safe("") == ""


def test_csv_rows_give_each_rows_first_line_and_name_the_row_with_an_oversized_cell():
    text = '\ufeffa,b\n\n"two\nlines",c\nd,e\n'
    assert list(csv_rows(text)) == [(1, ["a", "b"]), (3, ["two\nlines", "c"]), (5, ["d", "e"])]
    with pytest.raises(csv.Error, match="the row starting on line 2 has a cell longer"):
        list(csv_rows("a\n" + "x" * (MAX_CELL_CHARS + 1) + "\n"))


class Example(CleanTextMixin, forms.Form):
    name = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    colour = forms.ChoiceField(choices=[("red", "Red")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(required=False)  # added after __init__


def test_the_mixin_refuses_a_nul_beside_the_field_and_strips_the_rest():
    form = Example(
        {
            "name": "Al\x1bex",
            "notes": "one\r\ntwo\x07",
            "password": "pass\x07word",
            "late": "la\x00te",
            "colour": "re\x00d",
        }
    )
    assert not form.is_valid()
    assert form.errors["late"] == [NUL_MESSAGE]
    assert form.errors["colour"] == [NUL_MESSAGE]
    assert form.cleaned_data["name"] == "Alex"
    assert form.cleaned_data["notes"] == "one\r\ntwo"
    assert form.cleaned_data["password"] == "pass\x07word"  # a password is as typed


def test_cleaning_twice_does_not_wrap_a_field_twice():
    form = Example({"name": "a\x07"})
    form.full_clean()
    form.full_clean()
    assert form.cleaned_data["name"] == "a"
    assert form.fields["name"].to_python("\x07b") == "b"


def _our_forms() -> list[type]:
    found = set()
    for package in (
        "mentoring",
        "schemes",
        "matching",
        "agreements",
        "sessions",
        "privacy",
        "dashboard",
    ):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            if info.name.endswith((".settings", ".wsgi", ".asgi")) or ".settings." in info.name:
                continue
            loaded = importlib.import_module(info.name)
            for _, value in inspect.getmembers(loaded, inspect.isclass):
                if (
                    issubclass(value, forms.BaseForm)
                    and value.__module__ == info.name
                    and not inspect.isabstract(value)
                ):
                    found.add(value)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def test_every_form_of_the_product_cleans_its_text():
    ours = _our_forms()
    assert SignupForm in ours and len(ours) > 20
    missing = [
        f"{form.__module__}.{form.__qualname__}"
        for form in ours
        if not issubclass(form, CleanTextMixin)
        and form is not CleanTextMixin
        and form.__name__ != "FieldsetsMixin"
    ]
    assert missing == []
