"""A small hand-written API index (dart:core and a slice of Flutter) for the resolver's tests."""

from __future__ import annotations

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import (
    Constructor,
    LibraryApi,
    LibraryRef,
    Member,
    MemberKind,
    Param,
    Signature,
    TypeApi,
    TypeKind,
)

CORE = "dart:core"
MATERIAL = "package:flutter/material.dart"
SRC = "package:flutter/src/material/all.dart"


def getter(name: str, type_text: str, *, static: bool = False) -> dict[str, tuple[Member, ...]]:
    return {name: (Member(name, MemberKind.GETTER, static=static, type=type_text),)}


def method(name: str, returns: str = "void", *params: Param, static: bool = False,
           type_params: tuple[str, ...] = ()) -> dict[str, tuple[Member, ...]]:
    signature = Signature(tuple(params), returns, type_params)
    return {name: (Member(name, MemberKind.METHOD, static=static, type=returns,
                          signature=signature),)}


def ctor(*params: Param, name: str = "") -> Constructor:
    return Constructor(name, Signature(tuple(params)))


def named(name: str, *, required: bool = False) -> Param:
    return Param(name, None, named=True, required=required)


def core() -> LibraryApi:
    return LibraryApi(CORE, types={
        "Object": TypeApi("Object", TypeKind.CLASS, CORE, members={
            **method("toString", "String"), **getter("hashCode", "int")}),
        "String": TypeApi("String", TypeKind.CLASS, CORE, members={
            **getter("length", "int"), **method("toUpperCase", "String")}),
        "int": TypeApi("int", TypeKind.CLASS, CORE, members={**method("abs", "int")}),
        "Enum": TypeApi("Enum", TypeKind.CLASS, CORE, members={**getter("index", "int")}),
        "List": TypeApi("List", TypeKind.CLASS, CORE, type_params=("E",), members={
            **getter("first", "E"), **getter("length", "int"), **method("add", "void"),
            **method("map", "Iterable<T>", Param("f"), type_params=("T",))}),
        "EnumName": TypeApi("EnumName", TypeKind.EXTENSION, CORE, on=("Enum",),
                            members={**getter("name", "String")}),
    })


def flutter() -> LibraryApi:
    types = {
        "Colors": TypeApi("Colors", TypeKind.CLASS, SRC, members={
            **getter("red", "Color", static=True), **getter("blue", "Color", static=True)},
            constructors={"_": ctor(name="_")}),
        "Color": TypeApi("Color", TypeKind.CLASS, SRC, members={**getter("alpha", "int")}),
        "MainAxisAlignment": TypeApi("MainAxisAlignment", TypeKind.ENUM, SRC,
                                     values=("start", "end", "center")),
        "Widget": TypeApi("Widget", TypeKind.CLASS, SRC),
        "BuildContext": TypeApi("BuildContext", TypeKind.CLASS, SRC, members={
            **getter("mounted", "bool")}),
        "ListTile": TypeApi("ListTile", TypeKind.CLASS, SRC, supertype="Widget",
                            constructors={"": ctor(named("title"), named("subtitle"),
                                                   named("onTap"))}),
        "Text": TypeApi("Text", TypeKind.CLASS, SRC, supertype="Widget",
                        constructors={"": ctor(Param("data", "String"), named("style"))}),
        "ElevatedButton": TypeApi("ElevatedButton", TypeKind.CLASS, SRC, supertype="Widget",
                                  constructors={"": ctor(named("onPressed", required=True),
                                                         named("child", required=True))}),
        "Theme": TypeApi("Theme", TypeKind.CLASS, SRC, supertype="Widget", members={
            **method("of", "ThemeData", Param("context", "BuildContext"), static=True)}),
        "ThemeData": TypeApi("ThemeData", TypeKind.CLASS, SRC, members={
            **getter("textTheme", "TextTheme")},
            constructors={"": ctor(named("useMaterial3"))}),
        "TextTheme": TypeApi("TextTheme", TypeKind.CLASS, SRC, members={
            **getter("titleLarge", "TextStyle?"), **getter("bodyMedium", "TextStyle?")}),
        "TextStyle": TypeApi("TextStyle", TypeKind.CLASS, SRC, members={
            **method("copyWith", "TextStyle", named("color"))}),
        "ChangeNotifier": TypeApi("ChangeNotifier", TypeKind.CLASS, SRC, members={
            **method("notifyListeners"), **method("addListener", "void", Param("l"))}),
        "State": TypeApi("State", TypeKind.CLASS, SRC, type_params=("T",), members={
            **getter("widget", "T"), **getter("context", "BuildContext"),
            **method("setState", "void", Param("fn"))}),
        "StatefulWidget": TypeApi("StatefulWidget", TypeKind.CLASS, SRC, supertype="Widget"),
    }
    functions = method("runApp", "void", Param("app", "Widget"), static=True)
    return LibraryApi(SRC, types=types, functions=functions, imports=(LibraryRef(CORE),))


def sdk_libraries() -> dict[str, LibraryApi]:
    return {CORE: core(), SRC: flutter(),
            MATERIAL: LibraryApi(MATERIAL, exports=(LibraryRef(SRC),))}


def sdk_index() -> ApiIndex:
    return ApiIndex(sdk_libraries())
