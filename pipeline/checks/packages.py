"""Names that popular pub.dev packages export, from our own knowledge, and how to import them."""

from __future__ import annotations

from pipeline.checks.known_names import word_set

PACKAGE_NAMES: dict[str, frozenset[str]] = {
    "provider": word_set("""
        Provider ChangeNotifierProvider MultiProvider Consumer Consumer2 Consumer3 Selector
        Selector2 FutureProvider StreamProvider ListenableProvider ValueListenableProvider
        ProxyProvider ChangeNotifierProxyProvider ReadContext WatchContext SelectContext
        ProviderNotFoundException
    """),
    "go_router": word_set("""
        GoRouter GoRoute GoRouterState ShellRoute StatefulShellRoute StatefulNavigationShell
        StatefulShellBranch GoRouterHelper RouteBase GoRouterRedirect GoException
        NoTransitionPage CustomTransitionPage
    """),
    "http": word_set("""
        get post put patch delete head read readBytes Client Response Request StreamedResponse
        StreamedRequest MultipartRequest MultipartFile BaseClient BaseRequest BaseResponse
        ClientException ByteStream
    """),
    "shared_preferences": word_set("SharedPreferences SharedPreferencesAsync"),
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
}
"""`dart:` names a package's main library re-exports (package:collection's wrappers)."""

FLUTTER_FREE_PACKAGES = frozenset(PACKAGE_NAMES)
"""Packages above that never re-export package:flutter names."""


def package_of(uri: str) -> str | None:
    """`provider` for `package:provider/provider.dart`; None for other schemes."""
    if not uri.startswith("package:"):
        return None
    name = uri[len("package:") :].split("/", 1)[0]
    return name or None


def import_hint(package: str) -> str:
    """The conventional import of a package's main library."""
    return f"package:{package}/{package}.dart"
