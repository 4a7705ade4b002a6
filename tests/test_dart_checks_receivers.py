"""pipeline.checks.receivers: the static type of evident receivers, and silence elsewhere."""

from __future__ import annotations

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import LibraryApi, LibraryRef, TypeApi, TypeKind
from pipeline.checks.chains import chains
from pipeline.checks.locals import Regions
from pipeline.checks.parsing import parse
from pipeline.checks.receivers import Resolver, Typed, resolve_file
from pipeline.checks.usages import collect
from tests.api_fixtures import MATERIAL, getter, method, sdk_libraries

APP = "package:app/main.dart"


def _typed(source: str, *types: TypeApi, imports: tuple[str, ...] = (MATERIAL,)) -> Typed:
    own = LibraryApi(APP, types={t.name: t for t in types},
                     imports=tuple(LibraryRef(uri) for uri in imports))
    api = ApiIndex({**sdk_libraries(), APP: own})
    tree = parse(source)
    return resolve_file(Resolver(api, APP, frozenset()), list(chains(tree)),
                        Regions(tree, collect(tree).declaring))


def _missing(typed: Typed) -> list[str]:
    return [f"{lk.receiver.type.name}.{lk.step.name}" for lk in typed.lookups
            if not lk.found and lk.certain and lk.constructor is None and not lk.enum_value]


NOTIFIER = TypeApi("RecipeNotifier", TypeKind.CLASS, APP, supertype="ChangeNotifier",
                   members={**method("addRecipe", "void"), **getter("count", "int"),
                            **getter("shade", "Color")})


def test_static_members_and_enum_values_of_a_known_type() -> None:
    typed = _typed("void f() { Colors.red; Colors.bleu; MainAxisAlignment.centre;"
                   " MainAxisAlignment.center.index; }")
    assert _missing(typed) == ["Colors.bleu", "MainAxisAlignment.centre"]


def test_a_chain_of_declared_return_types() -> None:
    typed = _typed("void f(BuildContext context) {\n"
                   "  Theme.of(context).textTheme.headline6;\n"
                   "  Theme.of(context).textTheme.titleLarge!.copyWith(color: 1).colour;\n}")
    assert _missing(typed) == ["TextTheme.headline6", "TextStyle.colour"]
    assert [c.callee for c in typed.calls] == ["Theme.of", "Theme.of", "TextStyle.copyWith"]


def test_typed_locals_parameters_inferred_locals_and_this() -> None:
    typed = _typed(
        "class RecipeNotifier extends ChangeNotifier {\n"
        "  void f(RecipeNotifier other) {\n"
        "    other.saveRecipe();\n    this.notifyListeners();\n    final n = RecipeNotifier();\n"
        "    n.addRecipe();\n    n.shade.alpha;\n    n.shade.alfa;\n    addListener(1);\n"
        "    n.count.absolute();\n  }\n}\n", NOTIFIER)
    # dart: types come from a Dart 3.2 copy: what they lack is never certain.
    assert _missing(typed) == ["RecipeNotifier.saveRecipe", "Color.alfa"]


def test_silence_where_the_type_is_not_evident() -> None:
    typed = _typed(
        "void f(dynamic d, x, List<Color> xs, BuildContext context) {\n"
        "  d.anything; x.anything; xs.first.alpha; xs.first.nope;\n"
        "  final y = xs.first; y.nope2;\n"
        "  [1].nope3; (d as Foo).nope4;\n"
        "  xs.map((e) => e).first.nope5;\n"
        "  items.map((x) => x.nope6);\n}\n"
        "void g(Object? o) { o.toString(); }\n")
    assert _missing(typed) == ["Color.nope", "Color.nope2"]


def test_a_local_declared_twice_with_different_types_is_not_evident() -> None:
    typed = _typed("void f(int a) {\n  a.nope;\n  g((String a) => a.nope2);\n}\n")
    assert _missing(typed) == []


def test_a_generic_supertype_binds_its_parameter() -> None:
    page = TypeApi("Page", TypeKind.CLASS, APP, supertype="StatefulWidget",
                   members={**getter("title", "String")})
    state = TypeApi("_PageState", TypeKind.CLASS, APP, supertype="State<Page>")
    typed = _typed("class _PageState extends State<Page> {\n"
                   "  void f() { widget.title.length; widget.titel; context.mounted; }\n}\n",
                   page, state)
    assert _missing(typed) == ["Page.titel"]


def test_extensions_in_scope_count_and_an_unknown_import_silences_instance_members() -> None:
    shade = TypeApi("Shade", TypeKind.ENUM, APP, values=("light",))
    typed = _typed("void f() { Shade.light.name; Shade.light.nope; }", shade)
    assert _missing(typed) == ["Shade.nope"]
    unknown = _typed("void f() { Shade.light.nope; Colors.bleu; }", shade,
                     imports=(MATERIAL, "package:mystery/mystery.dart"))
    assert _missing(unknown) == ["Colors.bleu"]


def test_calls_of_constructors_functions_and_methods() -> None:
    typed = _typed("void main() {\n  runApp(const ListTile(titel: Text('a')));\n"
                   "  ElevatedButton(child: Text('b'));\n}\n")
    assert [c.callee for c in typed.calls] == ["runApp", "ListTile", "Text", "ElevatedButton",
                                               "Text"]


def test_a_local_function_or_variable_shadows_a_top_level_function() -> None:
    typed = _typed("void f(void Function(int) runApp) {\n  runApp(1);\n}\n")
    assert typed.calls == []
