"""Our own compact list of commonly used Dart SDK and Flutter names, for use without the SDK."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal list."""
    return frozenset(text.split())


DART_CORE = word_set("""
    Object Null bool num int double String Runes RuneIterator StringBuffer StringSink Symbol
    Type Function Record Enum Comparable Comparator Pattern Match RegExp RegExpMatch Iterable
    Iterator List Map MapEntry Set Sink Duration DateTime Stopwatch Uri UriData Future Stream
    Invocation Expando WeakReference Finalizer StackTrace BigInt Deprecated pragma Error
    AssertionError TypeError ArgumentError RangeError IndexError NoSuchMethodError
    UnsupportedError UnimplementedError StateError ConcurrentModificationError OutOfMemoryError
    StackOverflowError Exception FormatException IntegerDivisionByZeroException print identical
    identityHashCode deprecated override DateTimeCopyWith EnumName EnumByName IterableExtensions
    NullableIterableExtensions FutureExtensions FutureIterable ParallelWaitError FutureRecord2
    FutureRecord3 FutureRecord4 FutureRecord5 FutureRecord6 FutureRecord7 FutureRecord8
    FutureRecord9
""")
DART_ASYNC = word_set("""
    Future FutureOr Completer Stream StreamController StreamSubscription StreamSink
    StreamTransformer StreamTransformerBase StreamView StreamIterator StreamConsumer EventSink
    MultiStreamController SynchronousStreamController Timer Zone ZoneDelegate ZoneSpecification
    ZoneCallback ZoneUnaryCallback ZoneBinaryCallback TimeoutException AsyncError
    DeferredLoadException scheduleMicrotask runZoned runZonedGuarded unawaited
    FutureExtensions FutureIterable ParallelWaitError FutureRecord2 FutureRecord3 FutureRecord4
    FutureRecord5 FutureRecord6 FutureRecord7 FutureRecord8 FutureRecord9 ControllerCallback
    ControllerCancelCallback HandleUncaughtErrorHandler RunHandler RunUnaryHandler
    RunBinaryHandler RegisterCallbackHandler RegisterUnaryCallbackHandler
    RegisterBinaryCallbackHandler ErrorCallbackHandler ScheduleMicrotaskHandler
    CreateTimerHandler CreatePeriodicTimerHandler PrintHandler ForkHandler
""")
DART_MATH = word_set("""
    pi e ln2 ln10 log2e log10e sqrt1_2 sqrt2 min max sqrt sin cos tan asin acos atan atan2 exp
    log pow Random Point Rectangle MutableRectangle
""")
DART_CONVERT = word_set("""
    json jsonEncode jsonDecode JsonCodec JsonEncoder JsonDecoder JsonUtf8Encoder JsonCyclicError
    JsonUnsupportedObjectError utf8 Utf8Codec Utf8Encoder Utf8Decoder base64 base64Url
    base64Encode base64Decode base64UrlEncode Base64Codec Base64Encoder Base64Decoder ascii
    AsciiCodec AsciiEncoder AsciiDecoder latin1 Latin1Codec Latin1Encoder Latin1Decoder Codec
    Converter Encoding LineSplitter HtmlEscape HtmlEscapeMode htmlEscape ChunkedConversionSink
    ByteConversionSink ByteConversionSinkBase StringConversionSink StringConversionSinkBase
    StringConversionSinkMixin ClosableStringSink unicodeReplacementCharacterRune
    unicodeBomCharacterRune
""")
DART_COLLECTION = word_set("""
    HashMap HashSet LinkedHashMap LinkedHashSet LinkedList LinkedListEntry ListBase ListMixin
    MapBase MapMixin MapView UnmodifiableMapView UnmodifiableMapBase UnmodifiableListView
    UnmodifiableSetView SetBase SetMixin Queue ListQueue DoubleLinkedQueue DoubleLinkedQueueEntry
    SplayTreeMap SplayTreeSet IterableBase IterableMixin HasNextIterator IterableExtensions
    NullableIterableExtensions
""")
DART_ISOLATE = word_set("""
    Isolate SendPort ReceivePort RawReceivePort Capability IsolateSpawnException RemoteError
    TransferableTypedData
""")
DART_TYPED_DATA = word_set("""
    Uint8List Int8List Uint8ClampedList Uint16List Int16List Uint32List Int32List Uint64List
    Int64List Float32List Float64List Float32x4 Int32x4 Float64x2 Float32x4List Int32x4List
    Float64x2List ByteData ByteBuffer Endian TypedData
""")
DART_IO = word_set("""
    File Directory Platform HttpClient HttpServer HttpRequest HttpHeaders HttpStatus ContentType
    Socket ServerSocket InternetAddress Process ProcessResult ProcessSignal FileSystemEntity
    FileMode IOSink Link stdin stdout stderr exit sleep SocketException HttpException
    FileSystemException IOException OSError gzip zlib GZipCodec ZLibCodec WebSocket Cookie
    HttpClientRequest HttpClientResponse RandomAccessFile FileStat FileSystemEntityType Stdin
    Stdout exitCode pid HttpOverrides IOOverrides SecurityContext X509Certificate
    HandshakeException TlsException SecureSocket PathNotFoundException
""")
DART_DEVELOPER = word_set("""
    log debugger inspect Timeline TimelineTask Flow Service ServiceExtensionResponse
    registerExtension postEvent UserTag
""")

FLUTTER = word_set("""
    AnimationStyle ListBody
    Widget StatelessWidget StatefulWidget State BuildContext Key ValueKey ObjectKey UniqueKey
    GlobalKey LocalKey GlobalObjectKey InheritedWidget InheritedNotifier InheritedModel
    InheritedTheme ProxyWidget ParentDataWidget RenderObjectWidget LeafRenderObjectWidget
    SingleChildRenderObjectWidget MultiChildRenderObjectWidget Element StatelessElement
    StatefulElement ComponentElement RenderObjectElement runApp WidgetsApp
    WidgetsFlutterBinding WidgetsBinding WidgetsBindingObserver Container Padding Center Align
    Row Column Stack Positioned Expanded Flexible Spacer SizedBox ConstrainedBox LimitedBox
    FractionallySizedBox AspectRatio FittedBox OverflowBox Wrap Flow Table TableRow TableCell
    IntrinsicHeight IntrinsicWidth Baseline Offstage Opacity Visibility Transform RotatedBox
    ClipRect ClipRRect ClipOval ClipPath CustomPaint CustomPainter CustomClipper DecoratedBox
    ColoredBox Text RichText DefaultTextStyle Image Icon IconData IconTheme IconThemeData
    Placeholder Builder StatefulBuilder LayoutBuilder OrientationBuilder FutureBuilder
    StreamBuilder ValueListenableBuilder AnimatedBuilder ListenableBuilder TweenAnimationBuilder
    ListView GridView PageView CustomScrollView SingleChildScrollView NestedScrollView
    ScrollController PageController Scrollable ScrollPhysics BouncingScrollPhysics
    ClampingScrollPhysics NeverScrollableScrollPhysics AlwaysScrollableScrollPhysics
    PageScrollPhysics ScrollNotification NotificationListener Scrollbar SliverList SliverGrid
    SliverAppBar SliverToBoxAdapter SliverPadding SliverFillRemaining SliverChildBuilderDelegate
    SliverChildListDelegate SliverGridDelegate SliverGridDelegateWithFixedCrossAxisCount
    SliverGridDelegateWithMaxCrossAxisExtent GestureDetector InkWell InkResponse Listener
    MouseRegion AbsorbPointer IgnorePointer Dismissible Draggable DragTarget LongPressDraggable
    DismissDirection Hero Navigator NavigatorState Route PageRoute ModalRoute MaterialPageRoute
    CupertinoPageRoute PageRouteBuilder RouteSettings RouteObserver RouteAware Form FormState
    FormField TextFormField TextField TextEditingController FocusNode FocusScope Focus
    FocusManager MediaQuery MediaQueryData Theme ThemeData ThemeMode ColorScheme TextTheme
    Typography Brightness Colors Color MaterialColor MaterialAccentColor Icons CupertinoIcons
    MaterialApp Scaffold ScaffoldMessenger ScaffoldState AppBar BottomNavigationBar
    BottomNavigationBarItem BottomNavigationBarType NavigationBar NavigationDestination
    NavigationRail NavigationRailDestination Drawer DrawerHeader EndDrawerButton TabBar Tab
    TabBarView TabController DefaultTabController FloatingActionButton
    FloatingActionButtonLocation ElevatedButton TextButton OutlinedButton IconButton
    FilledButton BackButton CloseButton ButtonStyle ButtonStyleButton ButtonBar
    PopupMenuButton PopupMenuItem PopupMenuEntry PopupMenuDivider DropdownButton
    DropdownButtonFormField DropdownMenuItem DropdownMenu DropdownMenuEntry MenuAnchor
    MenuItemButton SubmenuButton Checkbox CheckboxListTile Radio RadioListTile Switch
    SwitchListTile Slider RangeSlider RangeValues LinearProgressIndicator
    CircularProgressIndicator RefreshIndicator Card Chip ActionChip ChoiceChip FilterChip
    InputChip Badge Divider VerticalDivider ListTile ListTileTheme ExpansionTile ExpansionPanel
    ExpansionPanelList CircleAvatar SnackBar SnackBarAction SnackBarBehavior AlertDialog
    SimpleDialog SimpleDialogOption Dialog BottomSheet showDialog showModalBottomSheet
    showBottomSheet showDatePicker showTimePicker showSearch showGeneralDialog
    showAboutDialog showLicensePage Tooltip Material MaterialState MaterialStateProperty
    WidgetState WidgetStateProperty InputDecoration InputBorder OutlineInputBorder
    UnderlineInputBorder InputDecorationTheme Stepper Step DataTable DataColumn DataRow DataCell
    SearchDelegate SearchBar SearchAnchor SegmentedButton ButtonSegment ToggleButtons
    SafeArea Semantics MergeSemantics ExcludeSemantics Directionality Localizations Locale
    LocalizationsDelegate DefaultMaterialLocalizations MaterialLocalizations Animation
    AnimationController AnimationStatus Tween ColorTween IntTween RectTween SizeTween
    CurvedAnimation CurveTween Curve Curves Cubic Interval AlwaysStoppedAnimation
    AnimatedContainer AnimatedOpacity AnimatedPadding AnimatedAlign AnimatedPositioned
    AnimatedSwitcher AnimatedCrossFade AnimatedList AnimatedListState AnimatedSize
    AnimatedDefaultTextStyle AnimatedWidget ImplicitlyAnimatedWidget FadeTransition
    ScaleTransition SlideTransition RotationTransition SizeTransition PositionedTransition
    TickerProvider SingleTickerProviderStateMixin TickerProviderStateMixin Ticker
    AutomaticKeepAliveClientMixin EdgeInsets EdgeInsetsGeometry EdgeInsetsDirectional
    BorderRadius BorderRadiusGeometry Radius Border BorderSide BoxBorder BoxDecoration
    BoxShadow BoxShape BoxFit BoxConstraints Alignment AlignmentGeometry AlignmentDirectional
    FractionalOffset TextStyle TextAlign TextDirection TextOverflow TextBaseline TextSpan
    InlineSpan WidgetSpan TextDecoration TextDecorationStyle TextInputType TextInputAction
    TextCapitalization TextSelection TextEditingValue FontWeight FontStyle Shadow Gradient
    LinearGradient RadialGradient SweepGradient DecorationImage ImageProvider AssetImage
    NetworkImage FileImage MemoryImage Decoration ShapeBorder RoundedRectangleBorder
    CircleBorder StadiumBorder BeveledRectangleBorder ContinuousRectangleBorder Clip Canvas
    Paint PaintingStyle Path Rect RRect Offset Size StrokeCap StrokeJoin BlendMode BlurStyle
    MaskFilter ImageFilter ColorFilter Axis AxisDirection VerticalDirection MainAxisAlignment
    CrossAxisAlignment MainAxisSize WrapAlignment WrapCrossAlignment StackFit FlexFit
    Orientation VoidCallback ValueChanged ValueSetter ValueGetter AsyncCallback
    AsyncValueGetter AsyncValueSetter ChangeNotifier ValueNotifier ValueListenable Listenable
    Diagnosticable DiagnosticPropertiesBuilder DiagnosticsProperty
    StringProperty IntProperty DoubleProperty FlagProperty EnumProperty kIsWeb kDebugMode
    kReleaseMode kProfileMode debugPrint compute immutable required protected mustCallSuper
    visibleForTesting factory optionalTypeArgs listEquals mapEquals setEquals describeEnum
    defaultTargetPlatform TargetPlatform FlutterError FlutterErrorDetails ErrorWidget
    SystemChrome SystemUiOverlayStyle DeviceOrientation HapticFeedback Clipboard ClipboardData
    MethodChannel EventChannel PlatformException MissingPluginException rootBundle
    AssetBundle TextInputFormatter FilteringTextInputFormatter LengthLimitingTextInputFormatter
    LogicalKeyboardKey KeyEvent SystemNavigator SystemSound TapGestureRecognizer
    DragStartDetails DragUpdateDetails DragEndDetails TapDownDetails TapUpDetails
    LongPressStartDetails ScaleStartDetails ScaleUpdateDetails ScaleEndDetails PointerEvent
    PointerDownEvent HitTestBehavior Velocity RenderBox RenderObject BoxParentData
    SchedulerBinding SchedulerPhase timeDilation
    AppLifecycleState CupertinoApp CupertinoButton CupertinoNavigationBar
    CupertinoPageScaffold CupertinoTabScaffold CupertinoTabBar CupertinoTextField
    CupertinoSwitch CupertinoSlider CupertinoAlertDialog CupertinoDialogAction
    CupertinoActivityIndicator CupertinoColors CupertinoThemeData CupertinoTheme
    CupertinoSliverNavigationBar CupertinoActionSheet CupertinoActionSheetAction
    CupertinoDatePicker CupertinoPicker CupertinoSegmentedControl
    CupertinoSlidingSegmentedControl CupertinoListTile CupertinoListSection
    CupertinoContextMenu CupertinoSearchTextField showCupertinoDialog
    showCupertinoModalPopup ReorderableListView KeyedSubtree IndexedStack Overlay OverlayEntry
    OverlayState Actions Shortcuts Intent Action CallbackAction SingleActivator Autocomplete
    RawAutocomplete EditableText SelectableText SelectionArea Ink Feedback InteractiveViewer
    GridTile GridTileBar PhysicalModel UnconstrainedBox DateUtils DateTimeRange
    TimeOfDay DatePickerMode DatePickerEntryMode showDateRangePicker PageStorageKey
    RestorationMixin RestorableInt RestorableString ListWheelScrollView
    FixedExtentScrollController DraggableScrollableSheet PreferredSize PreferredSizeWidget
    FlexibleSpaceBar ToggleButtonsThemeData ElevatedButtonThemeData TextButtonThemeData
    OutlinedButtonThemeData FilledButtonThemeData AppBarTheme CardTheme CardThemeData
    ChipThemeData DialogTheme DialogThemeData FloatingActionButtonThemeData
    BottomNavigationBarThemeData NavigationBarThemeData SnackBarThemeData TabBarTheme
    TabBarThemeData TooltipThemeData SliderThemeData SwitchThemeData CheckboxThemeData
    RadioThemeData ProgressIndicatorThemeData DividerThemeData ListTileThemeData
    VisualDensity MaterialTapTargetSize InteractiveInkFeatureFactory InkSplash InkRipple
    PrimaryScrollController ScrollPosition ScrollMetrics ScrollDirection
    UserScrollNotification ScrollUpdateNotification ScrollEndNotification
    ScrollStartNotification OverscrollIndicatorNotification GlowingOverscrollIndicator
    RawMaterialButton MaterialButton Banner BannerLocation CheckedModeBanner Title
    StatusTransitionWidget AutovalidateMode FormFieldState FormFieldValidator
    FormFieldSetter ImageErrorWidgetBuilder ImageLoadingBuilder
    ImageChunkEvent PlaceholderAlignment TextScaler TextHeightBehavior
    TextWidthBasis StrutStyle Characters StringCharacters CharacterRange Codec ConnectionState
    TileMode
    AsyncSnapshot
""")


FLUTTER_TEST = word_set("""
    testWidgets WidgetTester TestWidgetsFlutterBinding find Finder CommonFinders expect
    expectLater test group setUp tearDown setUpAll tearDownAll findsOneWidget findsNothing
    findsWidgets findsNWidgets findsAtLeastNWidgets Matcher equals isTrue isFalse isNull
    isNotNull isA isEmpty isNotEmpty contains throwsA throwsException throwsStateError
    throwsArgumentError throwsFormatException completion completes emits emitsInOrder
    emitsDone closeTo greaterThan lessThan greaterThanOrEqualTo lessThanOrEqualTo hasLength
    startsWith endsWith same anything predicate isInstanceOf orderedEquals unorderedEquals
    containsAll everyElement allOf anyOf isNot matchesGoldenFile addTearDown
    TestFailure fail returnsNormally throws
""")
"""Names `package:flutter_test/flutter_test.dart` exports (it re-exports package:test_api)."""
