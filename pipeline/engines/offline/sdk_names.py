"""Type names the generated files can see through their imports, which no entity may take.

A project class named like a class of an imported library makes every file that imports both
fail with an ambiguous name (`Card` from the model and from material.dart). The generated
files import material.dart (with foundation), flutter_test, dart:core, dart:convert, provider,
go_router and shared_preferences. Listed here: every one-word type those libraries export, and
every export that ends like a class the templates derive from an entity (`GridTile` for an
entity `Grid`, `MapEntry` for `Map` renamed `Map entry`). `tests/test_offline_names.py` checks
the list against the shared Flutter API index when that index is present.
"""

from __future__ import annotations

MATERIAL = frozenset("""
Accumulator Action Actions Adaptation Align Alignment Animatable Animation Autocomplete Axis
Badge Banner Baseline Border Brightness Builder Canvas Card Category Center Characters Checkbox
Chip Clip Color Colors Column Container Cubic Curve Curves Decoration Description
Diagnosticable Dialog Directionality Dismissible Divider Draggable Drawer Durations Easing
Element Endian Expanded Expansible Factory Feedback Flex Flexible Flow Focus Form Gradient Hero
Icon Icons Image Ink Intent Interval Key Listenable Listener Locale Localizations Magnifier
Material Navigator Notification Offset Offstage Opacity Orientation Overlay Padding Page Paint
Path Placeholder Positioned Radio Radius Rect Route Router Row Scaffold Scrollable Scrollbar
Semantics Shader Shadow Shortcuts Simulation Size Slider Spacer Split Stack State Step Stepper
Summary Switch Tab Table Text Texture Theme Threshold Thumb Title Tolerance Tooltip Transform
Tween Typography Unicode Velocity View Viewport Visibility Widget Wrap
""".split())
"""One-word exports of package:flutter/material.dart (which re-exports foundation)."""

DART = frozenset("""
BigInt Codec Comparable Comparator Converter DateTime Deprecated Duration Encoding Enum Error
Exception Expando Finalizer Function Future Invocation Iterable Iterator List Map Match Never
Null Object Pattern Record RegExp Runes Set Sink StackTrace Stopwatch Stream String
StringBuffer Symbol Type Uri
""".split())
"""Types of dart:core and dart:convert an entity's name could spell."""

FLUTTER_TEST = frozenset("""
Evaluation Fake Finder Matcher Plurality Retry Skip Tags Throws Timeout
""".split())
"""One-word exports of package:flutter_test (and the matcher and test_api it re-exports)."""

PACKAGES = frozenset("Allow Block Consumer Create Dispose Locator Provider Selector".split())
"""One-word exports of provider, go_router and shared_preferences."""

DERIVED = frozenset("""
AboutListTile ChangeNotifier CheckboxListTile ClipboardStatusNotifier DisplayFeatureSubScreen
DropdownMenuEntry ExpansionTile GridTile InheritedNotifier LicenseEntry ListTile
LiveTextInputStatusNotifier LocalHistoryEntry MapEntry OverlayEntry PointerEventRecord PopEntry
PopupMenuEntry RadioListTile RestorableChangeNotifier RouteTransitionRecord
SelectionListenerNotifier ShortcutRegistryEntry SizeChangedLayoutNotifier SwitchListTile
ValueNotifier
""".split())
"""Exports shaped like `<entity>Tile`, `<entity>Notifier`, `<entity>Entry` or `<entity>Record`."""

VISIBLE_TYPES = MATERIAL | DART | FLUTTER_TEST | PACKAGES | DERIVED
