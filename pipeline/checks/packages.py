"""Names that popular pub.dev packages export, from our own knowledge, and how to import them."""

from __future__ import annotations

from pipeline.checks.known_names import _names

PACKAGE_NAMES: dict[str, frozenset[str]] = {
    "provider": _names("""
        Provider ChangeNotifierProvider MultiProvider Consumer Consumer2 Consumer3 Selector
        Selector2 FutureProvider StreamProvider ListenableProvider ValueListenableProvider
        ProxyProvider ChangeNotifierProxyProvider ReadContext WatchContext SelectContext
        ProviderNotFoundException
    """),
    "go_router": _names("""
        GoRouter GoRoute GoRouterState ShellRoute StatefulShellRoute StatefulNavigationShell
        StatefulShellBranch GoRouterHelper RouteBase GoRouterRedirect GoException
        NoTransitionPage CustomTransitionPage
    """),
    "http": _names("""
        get post put patch delete head read readBytes Client Response Request StreamedResponse
        StreamedRequest MultipartRequest MultipartFile BaseClient BaseRequest BaseResponse
        ClientException ByteStream
    """),
    "shared_preferences": _names("SharedPreferences SharedPreferencesAsync"),
    "intl": _names("DateFormat NumberFormat Intl Bidi BidiFormatter toBeginningOfSentenceCase"),
    "uuid": _names("Uuid UuidValue"),
    "equatable": _names("Equatable EquatableMixin EquatableConfig"),
    "path_provider": _names("""
        getApplicationDocumentsDirectory getTemporaryDirectory getApplicationSupportDirectory
        getExternalStorageDirectory getDownloadsDirectory
    """),
    "url_launcher": _names("launchUrl canLaunchUrl LaunchMode launchUrlString"),
    "flutter_bloc": _names("""
        BlocProvider MultiBlocProvider BlocBuilder BlocListener MultiBlocListener BlocConsumer
        BlocSelector RepositoryProvider MultiRepositoryProvider Bloc Cubit Emitter
        BlocObserver Transition Change
    """),
    "bloc": _names("Bloc Cubit Emitter BlocObserver Transition Change BlocBase EventHandler"),
    "flutter_riverpod": _names("""
        ProviderScope Provider StateProvider StateNotifierProvider ChangeNotifierProvider
        FutureProvider StreamProvider NotifierProvider AsyncNotifierProvider Notifier
        AsyncNotifier StateNotifier ConsumerWidget ConsumerStatefulWidget ConsumerState
        Consumer WidgetRef Ref AsyncValue AsyncData AsyncLoading ProviderContainer
    """),
    "dio": _names("Dio BaseOptions Options Response DioException DioExceptionType Interceptor"),
    "sqflite": _names("Database openDatabase getDatabasesPath ConflictAlgorithm Batch"),
    "path": _names("join basename dirname extension context withoutExtension"),
    "collection": _names("""
        IterableExtension ListExtensions DeepCollectionEquality ListEquality MapEquality
        SetEquality groupBy PriorityQueue HeapPriorityQueue IterableNullableExtension
    """),
    "json_annotation": _names("JsonSerializable JsonKey JsonValue JsonEnum JsonConverter"),
    "mocktail": _names("Mock when verify verifyNever any registerFallbackValue"),
    "mockito": _names("Mock when verify verifyNever any anyNamed GenerateMocks"),
}
"""Names known to be exported by each package's main library; never a complete list."""

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
