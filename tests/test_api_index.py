"""pipeline.checks.api_index: lookups over an index of libraries (here built by hand)."""

from __future__ import annotations

from pipeline.checks.api_index import ApiIndex, base_name
from pipeline.checks.api_model import (
    Constructor,
    LibraryApi,
    LibraryRef,
    Member,
    MemberKind,
    Param,
    Signature,
    TypeApi,
    Typedef,
    TypeKind,
)
from tests.api_fixtures import CORE, getter, method

SRC = "package:ui_kit/src/button.dart"
PUBLIC = "package:ui_kit/ui_kit.dart"


def _index() -> ApiIndex:
    core = LibraryApi(CORE, types={
        "Object": TypeApi("Object", TypeKind.CLASS, CORE, members={
            **method("toString", "String"), **getter("hashCode", "int")}),
        "String": TypeApi("String", TypeKind.CLASS, CORE, members=getter("length", "int")),
        "Enum": TypeApi("Enum", TypeKind.CLASS, CORE, members=getter("index", "int")),
    })
    label = Param("label", "String")
    on_pressed = Param("onPressed", "void Function()?", named=True)
    key = Param("key", "Key?", named=True, required=False)
    button = TypeApi(
        "Button", TypeKind.CLASS, SRC, supertype="_Base", mixins=("Tappable",),
        members={"label": (Member("label", MemberKind.FIELD, type="String", final=True),),
                 "raise": (Member("raise", MemberKind.METHOD, signature=Signature(),
                                  deprecated="Use lift() instead."),)},
        constructors={"": Constructor("", Signature((label, on_pressed, key)), const=True),
                      "icon": Constructor("icon", Signature(), factory=True)},
    )
    src = LibraryApi(
        SRC,
        types={
            "Button": button,
            "_Base": TypeApi("_Base", TypeKind.CLASS, SRC, members=method("build")),
            "Tappable": TypeApi("Tappable", TypeKind.MIXIN, SRC, members=method("tap")),
            "Shade": TypeApi("Shade", TypeKind.ENUM, SRC, values=("light", "dark")),
            "Loud": TypeApi("Loud", TypeKind.EXTENSION, SRC, on=("String",),
                            members=method("shout", "String")),
            "Broken": TypeApi("Broken", TypeKind.CLASS, SRC, supertype="Missing"),
        },
        functions={"press": (Member("press", MemberKind.METHOD, static=True,
                                    signature=Signature((Param("button", "Button"),))),)},
        typedefs={"Knob": Typedef("Knob", "Button")},
    )
    public = LibraryApi(PUBLIC, exports=(
        LibraryRef(SRC, hide=("Broken",)),
        LibraryRef("package:absent/absent.dart", show=("Gone",)),
    ))
    return ApiIndex({CORE: core, SRC: src, PUBLIC: public})


def test_a_public_library_exports_what_its_exports_declare_minus_hidden_and_private() -> None:
    index = _index()
    exports = index.exports(PUBLIC)
    assert exports["Button"] == SRC and exports["press"] == SRC
    assert "_Base" not in exports and "Broken" not in exports
    assert index.exports_complete(PUBLIC)  # the absent library's `show` says what comes
    assert not index.exports_complete("package:nowhere/nowhere.dart")


def test_an_unfollowable_export_without_show_makes_the_namespace_incomplete() -> None:
    index = ApiIndex({PUBLIC: LibraryApi(PUBLIC, exports=(LibraryRef("package:x/x.dart"),))})
    assert not index.exports_complete(PUBLIC)


def test_types_constructors_and_parameters() -> None:
    index = _index()
    button = index.type(PUBLIC, "Button")
    assert button is not None and index.type(PUBLIC, "Missing") is None
    unnamed = index.constructor(button)
    assert unnamed is not None and unnamed.const
    assert unnamed.signature.min_positional == 1 == unnamed.signature.max_positional
    assert unnamed.signature.required_named == ("onPressed",)
    assert set(unnamed.signature.named) == {"onPressed", "key"}
    icon = index.constructor(button, "icon")
    assert icon is not None and icon.factory and index.constructor(button, "big") is None
    assert index.type(PUBLIC, "Knob") is button  # a typedef names the type it aliases
    assert index.function(PUBLIC, "press")[0].signature is not None


def test_members_are_inherited_through_superclass_mixins_and_object() -> None:
    index = _index()
    button = index.type(PUBLIC, "Button")
    assert button is not None
    assert index.member(button, "build") and index.member(button, "tap")
    assert index.member(button, "toString")[0].type == "String"
    assert index.member(button, "raise")[0].deprecated == "Use lift() instead."
    assert not index.member(button, "fly")
    assert index.knows_all_members(button)
    assert {"label", "build", "tap", "hashCode"} <= set(index.members(button))
    shade = index.type(PUBLIC, "Shade")
    assert shade is not None and shade.values == ("light", "dark")
    assert index.member(shade, "index")


def test_a_type_with_an_unknown_supertype_does_not_know_all_its_members() -> None:
    index = _index()
    broken = index.resolve("Broken", SRC)
    assert broken is not None and not index.knows_all_members(broken)


def test_type_texts_resolve_in_the_scope_of_their_library() -> None:
    index = _index()
    assert base_name("ui.Color?") == ("ui", "Color")
    assert base_name("List<Map<String, int>>") == (None, "List")
    assert base_name("void Function(int)") is None and base_name("(int, String)") is None
    string = index.resolve("String?", SRC)
    assert string is not None and string.library == CORE
    assert [e.name for e in index.extensions_on(string, [PUBLIC])] == ["Loud"]
    assert index.extensions_on(string, [CORE]) == []
