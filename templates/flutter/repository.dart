{{imports}}

/// Loads and saves every {{lower_label}} as one JSON list in a [KeyValueStore].
class {{cls}}Repository {
  {{cls}}Repository(this._store);

  static const storageKey = '{{snake}}_items';

  final KeyValueStore _store;

  Future<List<{{cls}}>> loadAll() async {
    final raw = await _store.read(storageKey);
    if (raw == null || raw.isEmpty) {
      return [];
    }
    final decoded = jsonDecode(raw) as List<dynamic>;
    return [
      for (final item in decoded) {{cls}}.fromJson(item as Map<String, dynamic>),
    ];
  }

  Future<void> saveAll(List<{{cls}}> {{vars}}) async {
    final encoded = jsonEncode([for (final {{var}} in {{vars}}) {{var}}.toJson()]);
    await _store.write(storageKey, encoded);
  }
}
