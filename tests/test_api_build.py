"""The API index built from source trees: a miniature one here, the published sources in CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.checks.api_build import build_index
from pipeline.checks.api_extract import library_api
from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_load import SHIPPED, load_index, read_shipped
from pipeline.checks.api_model import MemberKind, TypeKind
from pipeline.checks.api_sources import find_local_sdk, source_tree
from pipeline.checks.api_store import dump_index, read_index, save_index
from pipeline.checks.parsing import parse
from pipeline.errors import ConfigError

FIXTURE = Path(__file__).parent / "fixtures" / "api_sdk"
PUBLISHED = Path(__file__).resolve().parents[1].parent / "shared" / "dart-sources"
MATERIAL = "package:flutter/material.dart"
WIDGETS = "package:flutter/widgets.dart"
FRAMEWORK = "package:flutter/src/widgets/framework.dart"


@pytest.fixture(scope="module")
def index() -> ApiIndex:
    tree = source_tree(FIXTURE)
    assert tree is not None
    return build_index(tree)


def test_the_tree_layouts_are_recognised(tmp_path: Path) -> None:
    tree = source_tree(FIXTURE)
    assert tree is not None
    assert set(tree.dart) == {"core", "async", "ui"}
    assert set(tree.packages) == {"flutter", "flutter_test", "tiny"}
    assert tree.entry_points()[:3] == ["dart:async", "dart:core", "dart:ui"]
    assert source_tree(tmp_path) is None
    flutter = tmp_path / "flutter"
    shutil.copytree(FIXTURE / "dart-sdk" / "lib", flutter / "bin" / "cache" / "dart-sdk" / "lib")
    shutil.copytree(FIXTURE / "flutter" / "packages", flutter / "packages")
    (flutter / "version").write_text("9.9.9\n")
    found = find_local_sdk({"FLUTTER_ROOT": str(flutter), "PATH": ""})
    assert found is not None and set(found.packages) == {"flutter", "flutter_test"}
    assert "ui" not in found.dart  # the engine's dart:ui is not laid out in this SDK
    dart = find_local_sdk({"PATH": "", "FLUTTER_ROOT": str(flutter / "bin/cache/dart-sdk")})
    assert dart is not None and set(dart.dart) == {"core", "async"} and not dart.packages
    assert find_local_sdk({"PATH": ""}) is None


def test_exports_follow_show_hide_parts_and_absent_libraries(index: ApiIndex) -> None:
    core = index.exports("dart:core")
    assert {"Object", "String", "int", "print", "Future", "Enum"} <= set(core)
    assert "_Hidden" not in core and "FutureOr" not in core  # `show Future` only
    widgets = index.exports(WIDGETS)
    assert widgets["Color"] == "dart:ui" and widgets["Widget"] == FRAMEWORK
    assert "debugHidden" not in widgets and "immutable" in widgets
    assert widgets["Characters"] == "package:characters/characters.dart"
    assert index.exports_complete(WIDGETS) and index.exports_complete(MATERIAL)
    assert set(index.exports(MATERIAL)) == set(widgets) | {"Button", "ButtonSize",
                                                             "RaisedButton"}
    assert index.exports("package:flutter_test/flutter_test.dart").keys() == {
        "Widget", "testWidgets"}
    assert index.type(WIDGETS, "Characters") is None  # named, but nothing known of it


def test_constructors_parameters_and_their_types(index: ApiIndex) -> None:
    button = index.type(MATERIAL, "Button")
    assert button is not None
    unnamed = index.constructor(button)
    assert unnamed is not None and unnamed.const and not unnamed.factory
    params = {p.name: p for p in unnamed.signature.params}
    assert params["key"].type == "Key?" and params["key"].origin == "super"  # Widget({this.key})
    assert params["onPressed"].type == "VoidCallback?" and params["onPressed"].required
    assert params["size"].default == "ButtonSize.medium" and not params["size"].required
    assert unnamed.signature.max_positional == 0
    icon = index.constructor(button, "icon")
    assert icon is not None and icon.signature.min_positional == 1
    assert set(icon.signature.named) == {"key"}
    big = index.constructor(button, "big")
    assert big is not None and big.factory and big.super_call is None
    raised = index.type(MATERIAL, "RaisedButton")
    assert raised is not None and raised.deprecated == "Use Button instead"
    raised_new = index.constructor(raised)
    assert raised_new is not None
    assert raised_new.signature.named["onPressed"].type == "VoidCallback?"
    key = index.type(WIDGETS, "Key")
    assert key is not None and "" in key.constructors  # `const factory Key(...) = ValueKey`
    cell = index.type("package:tiny/tiny.dart", "Cell")
    assert cell is not None and set(cell.constructors[""].signature.named) == {"value"}
    offset = index.type("dart:ui", "Offset")  # super.dx <- OffsetBase(this._dx), a private field
    assert offset is not None
    assert [p.type for p in offset.constructors[""].signature.params] == ["double", "double"]
    string = index.type("dart:core", "String")
    assert string is not None
    from_codes = string.constructors["fromCharCodes"].signature
    assert (from_codes.min_positional, from_codes.max_positional) == (1, 3)


def test_members_inheritance_and_deprecations(index: ApiIndex) -> None:
    button = index.type(MATERIAL, "Button")
    assert button is not None
    assert [t.name for t in index.supertypes(button)[0]] == [
        "StatelessWidget", "Widget", "Diagnosticable", "Object"]
    assert index.knows_all_members(button)
    text = index.member(button, "text")
    assert text[0].kind == MemberKind.GETTER and text[0].deprecated == (
        "Use label instead. This feature was deprecated after v1.2.0.")
    assert index.member(button, "minWidth")[0].static
    assert index.member(button, "toStringShort") and index.member(button, "hashCode")
    assert not index.member(button, "hash")  # a static member is not inherited
    assert index.member(button, "key")[0].type == "Key?"
    size = index.type(MATERIAL, "ButtonSize")
    assert size is not None and size.kind == TypeKind.ENUM
    assert size.values == ("small", "medium", "large", "huge") and index.member(size, "index")
    [medium] = index.member(size, "medium")
    assert medium.static and medium.const and medium.type == "ButtonSize"
    assert medium.deprecated is None and index.member(size, "huge")[0].deprecated == (
        "Use large instead")
    application = index.type(WIDGETS, "DiagnosticableWidget")  # `= Widget with Diagnosticable`
    assert application is not None and application.supertype == "Widget"
    assert application.mixins == ("Diagnosticable",) and application.abstract
    assert index.member(application, "build") and not application.constructors
    store = index.type("package:tiny/tiny.dart", "Store")
    assert store is not None and not index.knows_all_members(store)  # extends Unknown


def test_types_in_signatures_resolve_where_they_were_written(index: ApiIndex) -> None:
    [default_color] = index.function(WIDGETS, "defaultColor")
    assert default_color.type == "ui.Color"
    color = index.resolve(default_color.type, FRAMEWORK)
    assert color is not None and color.library == "dart:ui"
    assert index.member(color, "withOpacity")[0].type == "Color"
    button = index.type(MATERIAL, "Button")
    assert button is not None
    assert [e.name for e in index.extensions_on(button, [MATERIAL])] == ["WidgetNames"]
    pixels = index.type(WIDGETS, "Pixels")
    assert pixels is not None and pixels.kind == TypeKind.EXTENSION_TYPE
    assert index.member(pixels, "value")[0].type == "double"
    assert index.typedef(WIDGETS, "VoidCallback") is not None
    future = index.type("dart:core", "Future")
    assert future is not None
    then = index.member(future, "then")[0].signature
    assert then is not None and then.type_params == ("R",)
    assert then.params[0].type == "FutureOr<R> Function(T value)"


def test_the_shipped_index_is_in_the_project() -> None:
    shipped = read_index(SHIPPED)
    assert shipped is not None and "String" in shipped.exports("dart:core")
    assert shipped.type("package:flutter/material.dart", "ListTile") is not None
    assert (SHIPPED.parent / "NOTICE.md").is_file()


def test_stored_index_reads_back_equal_and_dumps_the_same_bytes(index: ApiIndex,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "index.zip"
    save_index(index, path)
    again = read_index(path)
    assert again is not None and again.sources == index.sources
    assert list(again.libraries) == list(index.libraries)
    for uri in index.libraries:
        assert again.libraries[uri] == index.libraries[uri], uri
    assert again.exports(MATERIAL) == index.exports(MATERIAL)
    assert dump_index(again) == dump_index(index) == path.read_bytes()
    path.write_bytes(b"not a zip")
    assert read_index(path) is None


def test_a_local_sdk_is_indexed_once_and_cached_by_version(tmp_path: Path) -> None:
    root = tmp_path / "flutter"
    shutil.copytree(FIXTURE / "dart-sdk" / "lib", root / "bin" / "cache" / "dart-sdk" / "lib")
    shutil.copytree(FIXTURE / "flutter" / "packages", root / "packages")
    (root / "version").write_text("1.0.0\n")
    env = {"FLUTTER_ROOT": str(root), "PATH": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = load_index(env)
    assert first.type(MATERIAL, "Button") is not None
    [cached] = (tmp_path / "cache" / "code-factory").glob("api-index-*.zip")
    button = root / "packages" / "flutter" / "lib" / "src" / "material" / "button.dart"
    button.write_text(button.read_text().replace("class Button ", "class Knob "))
    assert load_index(env).type(MATERIAL, "Button") is not None  # read from the cache
    (root / "version").write_text("1.0.1\n")
    rebuilt = load_index(env)
    assert rebuilt.type(MATERIAL, "Button") is None and rebuilt.type(MATERIAL, "Knob")
    assert len(list(cached.parent.glob("api-index-*.zip"))) == 2


def test_build_index_command_writes_the_index(tmp_path: Path) -> None:
    out = tmp_path / "api.zip"
    done = subprocess.run(
        [sys.executable, "-m", "factory.cli", "check", "--build-index", str(FIXTURE),
         "--out", str(out)], capture_output=True, text=True, check=False,
        cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr
    assert "libraries" in done.stdout and str(out) in done.stdout
    built = read_index(out)
    assert built is not None and built.type(MATERIAL, "Button") is not None
    bad = subprocess.run(
        [sys.executable, "-m", "factory.cli", "check", "--build-index", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[1])
    assert bad.returncode != 0 and "holds no Flutter SDK" in bad.stderr


@pytest.mark.skipif(not PUBLISHED.is_dir(), reason="../shared/dart-sources absent")
def test_the_shipped_index_is_what_the_published_sources_give() -> None:
    tree = source_tree(PUBLISHED)
    assert tree is not None
    assert dump_index(build_index(tree)) == SHIPPED.read_bytes()


def test_type_texts_are_whole_when_the_file_starts_with_blank_lines() -> None:
    """The parse tree's root starts at the first token: offsets into its text must be relative
    to it (a project file that starts with a newline lost each type's first character)."""
    tree = parse("\n\nclass A extends Foo {\n  int x = 1;\n  String name() => '';\n"
                 "  Map<String,\n      int>? m;\n}\n")
    declared = library_api("package:a/a.dart", [tree], lambda uri: uri).types["A"]
    assert declared.supertype == "Foo"
    assert declared.members["x"][0].type == "int"
    assert declared.members["name"][0].type == "String"
    assert declared.members["m"][0].type == "Map<String, int>?"  # one line, as written


def test_private_members_are_kept_when_asked_for() -> None:
    """A project's own code calls `_increment()` and reads `_count`: its index keeps them."""
    tree = parse("class _Counter {\n  _Counter._(this._count);\n  int _count;\n"
                 "  void _increment() {}\n  int get total => _count;\n}\n"
                 "int _twice(int x) => 2 * x;\nfinal _limit = 3;\n")
    public = library_api("package:a/a.dart", [tree], lambda uri: uri)
    assert set(public.types["_Counter"].members) == {"total"} and not public.functions
    private = library_api("package:a/a.dart", [tree], lambda uri: uri, private=True)
    counter = private.types["_Counter"]
    assert set(counter.members) == {"_count", "_increment", "total"}
    assert counter.constructors["_"].signature.params[0].type == "int"
    assert set(private.functions) == {"_twice", "_limit"}
    assert private.outline().names == ()  # still nothing private for importers


def test_the_shipped_index_is_committed_with_its_notice() -> None:
    # The data directory once matched a `data/` ignore rule, and main held no index at all.
    for name in ("api-index.zip", "NOTICE.md"):
        path = SHIPPED.parent / name
        assert path.is_file(), path
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", str(path)],
                                 cwd=SHIPPED.parent, capture_output=True, check=False)
        if tracked.returncode == 128 and b"not a git repository" in tracked.stderr:
            continue  # an installed copy, not a checkout
        assert tracked.returncode == 0, tracked.stderr.decode()


def test_a_missing_shipped_index_is_a_clear_error_not_an_empty_index(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="API index shipped with Code Factory is missing"):
        read_shipped(tmp_path / "api-index.zip")
    (tmp_path / "api-index.zip").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="rebuild it with `factory check --build-index"):
        read_shipped(tmp_path / "api-index.zip")
