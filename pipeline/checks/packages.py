"""Names that popular pub.dev packages export, from our own knowledge, and how to import them."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.checks.known_names import word_set
from pipeline.checks.shipped import shipped_exports

INDEXED_PACKAGES = ("provider", "go_router", "shared_preferences")
"""Packages whose names come from the shipped API index rather than a list of ours."""

PACKAGE_NAMES: dict[str, frozenset[str]] = {
    **{p: shipped_exports(f"package:{p}/{p}.dart") for p in INDEXED_PACKAGES},
    "http": word_set("""
        get post put patch delete head read readBytes Client Response Request StreamedResponse
        StreamedRequest MultipartRequest MultipartFile BaseClient BaseRequest BaseResponse
        ClientException ByteStream
    """),
    "meta": word_set("""
        Immutable Required UseResult alwaysThrows doNotStore doNotSubmit experimental isTest
        isTestGroup literal mustBeOverridden redeclare reopen sealed useResult
    """),
    "image_picker": word_set("""
        ImagePicker XFile ImageSource CameraDevice LostDataResponse RetrieveType PickedFile
        ImageOptions MediaOptions MultiImagePickerOptions ImagePickerPlatform
    """),
    "args": word_set("ArgParser ArgResults ArgParserException Option OptionType"),
    "flutter_localizations": word_set("""
        GlobalMaterialLocalizations GlobalCupertinoLocalizations GlobalWidgetsLocalizations
    """),
    "intl": word_set("DateFormat NumberFormat Intl Bidi BidiFormatter toBeginningOfSentenceCase"),
    "uuid": word_set("Uuid UuidValue"),
    "equatable": word_set("Equatable EquatableMixin EquatableConfig"),
    "path_provider": word_set("""
        getApplicationDocumentsDirectory getTemporaryDirectory getApplicationSupportDirectory
        getExternalStorageDirectory getDownloadsDirectory
    """),
    "url_launcher": word_set("launchUrl canLaunchUrl LaunchMode launchUrlString"),
    "flutter_bloc": word_set("""
        BlocProvider MultiBlocProvider BlocBuilder BlocListener MultiBlocListener BlocConsumer
        BlocSelector RepositoryProvider MultiRepositoryProvider Bloc Cubit Emitter
        BlocObserver Transition Change
    """),
    "bloc": word_set("Bloc Cubit Emitter BlocObserver Transition Change BlocBase EventHandler"),
    "flutter_riverpod": word_set("""
        ProviderScope Provider StateProvider StateNotifierProvider ChangeNotifierProvider
        FutureProvider StreamProvider NotifierProvider AsyncNotifierProvider Notifier
        AsyncNotifier StateNotifier ConsumerWidget ConsumerStatefulWidget ConsumerState
        Consumer WidgetRef Ref AsyncValue AsyncData AsyncLoading ProviderContainer
    """),
    "dio": word_set("Dio BaseOptions Options Response DioException DioExceptionType Interceptor"),
    "sqflite": word_set("Database openDatabase getDatabasesPath ConflictAlgorithm Batch"),
    "path": word_set("join basename dirname extension context withoutExtension"),
    "collection": word_set("""
        IterableExtension ListExtensions DeepCollectionEquality ListEquality MapEquality
        SetEquality groupBy PriorityQueue HeapPriorityQueue IterableNullableExtension
    """),
    "json_annotation": word_set("JsonSerializable JsonKey JsonValue JsonEnum JsonConverter"),
    "mocktail": word_set("Mock when verify verifyNever any registerFallbackValue"),
    "mockito": word_set("Mock when verify verifyNever any anyNamed GenerateMocks"),
}
"""Names known to be exported by each package's main library; never a complete list."""

SDK_REEXPORTS: dict[str, frozenset[str]] = {
    "collection": word_set("UnmodifiableListView UnmodifiableMapView UnmodifiableSetView"),
    "meta": word_set("""
        awaitNotRequired factory immutable internal mustBeConst mustCallSuper nonVirtual
        optionalTypeArgs protected required visibleForOverriding visibleForTesting
    """),
}
"""SDK names a package's main library exports too (package:collection's wrappers of
`dart:collection`; package:meta's annotations, which package:flutter/foundation re-exports)."""

SDK_TRANSITIVE = word_set("""
    async boolean_selector characters clock collection fake_async leak_tracker
    leak_tracker_flutter_testing leak_tracker_testing matcher material_color_utilities meta path
    sky_engine source_span stack_trace stream_channel string_scanner term_glyph test_api
    vector_math vm_service
""")
"""Packages `flutter` and `flutter_test` depend on: an app resolves them without declaring them."""
DRIVER_TRANSITIVE = word_set("""
    file flutter_driver flutter_test fuchsia_remote_debug_protocol platform process sync_http
    webdriver
""")
"""What `flutter_driver` (and `integration_test` through it) adds."""
BRINGS_IN: dict[str, frozenset[str]] = {
    "flutter": SDK_TRANSITIVE,
    "flutter_test": SDK_TRANSITIVE,
    "flutter_localizations": SDK_TRANSITIVE | word_set("intl"),
    "flutter_web_plugins": SDK_TRANSITIVE,
    "flutter_driver": SDK_TRANSITIVE | DRIVER_TRANSITIVE,
    "integration_test": SDK_TRANSITIVE | DRIVER_TRANSITIVE,
    "provider": word_set("collection nested"),
    "go_router": word_set("collection logging meta flutter_web_plugins cupertino_ui material_ui"),
    "http": word_set("""
        async http_parser meta web collection source_span string_scanner term_glyph typed_data
        path
    """),
    "shared_preferences": word_set("""
        shared_preferences_* path_provider_* plugin_platform_interface meta path file ffi
        xdg_directories platform web flutter_web_plugins win32
    """),
    "intl": word_set("clock meta path"),
    "uuid": word_set("crypto sprintf meta fixnum typed_data"),
    "cupertino_icons": frozenset(),
    "flutter_lints": word_set("lints"),
    "lints": frozenset(),
    "equatable": word_set("collection meta"),
    "async": word_set("collection meta"),
    "typed_data": word_set("collection"),
    "crypto": word_set("typed_data collection"),
    **{leaf: frozenset() for leaf in word_set("""
        meta collection path characters vector_math clock args logging fixnum sprintf nested
    """)},
}
"""What each package pulls into the resolved set, as far as we know it for certain (`x_*`: every
package of that prefix); a package not listed here may pull in anything."""

FLUTTER_FREE_PACKAGES = frozenset(PACKAGE_NAMES) - {"meta"}
"""Packages above that never export a package:flutter name (meta does: flutter/foundation
re-exports its annotations, and new ones appear)."""


def may_come_through(
    package: str, declared: set[str], local: Mapping[str, frozenset[str]] | None = None
) -> bool:
    """Whether `package` may resolve through the declared ones without being declared itself;
    `local` gives the dependencies of the project's own packages (followed in turn)."""
    local = local or {}
    seen: set[str] = set()
    pending = list(declared)
    while pending:
        dependency = pending.pop()
        if dependency in seen:
            continue
        seen.add(dependency)
        if dependency in local:
            if package in local[dependency]:
                return True
            pending.extend(local[dependency])
            continue
        brought = BRINGS_IN.get(dependency)
        if brought is None:
            return True  # a dependency whose own dependencies we do not know
        if package in brought or any(
            b.endswith("*") and package.startswith(b[:-1]) for b in brought
        ):
            return True
    return False


def package_of(uri: str) -> str | None:
    """`provider` for `package:provider/provider.dart`; None for other schemes."""
    if not uri.startswith("package:"):
        return None
    name = uri[len("package:") :].split("/", 1)[0]
    return name or None


def import_hint(package: str) -> str:
    """The conventional import of a package's main library."""
    return f"package:{package}/{package}.dart"
