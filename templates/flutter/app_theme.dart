{{imports}}

/// The light and dark themes of {{title}}.
abstract final class AppTheme {
  static const Color seed = Color(0xFF{{seed}});

  static ThemeData light() => _build(Brightness.light);

  static ThemeData dark() => _build(Brightness.dark);

  static ThemeData _build(Brightness brightness) {
    final scheme = ColorScheme.fromSeed(seedColor: seed, brightness: brightness);
    return ThemeData(
      colorScheme: scheme,
      useMaterial3: true,
      inputDecorationTheme: const InputDecorationTheme(border: OutlineInputBorder()),
      cardTheme: const CardTheme(margin: EdgeInsets.symmetric(vertical: 6)),
    );
  }
}
