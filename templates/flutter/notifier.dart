{{imports}}

/// The {{lower_labels}} the app shows: loading, search, save and remove.
class {{cls}}Notifier extends ChangeNotifier {
  {{cls}}Notifier(this._repository);

  final {{cls}}Repository _repository;
  List<{{cls}}> _all = const [];
  int _drafts = 0;
  String _query = '';
  bool _isLoading = false;
  Object? _error;

  /// The {{lower_labels}} matching the current search, in the order they were added.
  List<{{cls}}> get items {
    if (_query.isEmpty) {
      return List.unmodifiable(_all);
    }
    final needle = _query.toLowerCase();
    return [
      for (final {{var}} in _all)
        if (_matches({{var}}, needle)) {{var}},
    ];
  }

  static bool _matches({{cls}} {{var}}, String needle) {
    final texts = <String>[
{{#fields}}
{{#is_searchable}}
      {{var}}.{{name}},
{{/is_searchable}}
{{#is_list}}
      ...{{var}}.{{name}},
{{/is_list}}
{{/fields}}
    ];
    return texts.any((text) => text.toLowerCase().contains(needle));
  }

  int get count => _all.length;

  String get query => _query;

  bool get isLoading => _isLoading;

  Object? get error => _error;

  Future<void> load() async {
    _isLoading = true;
    _error = null;
    notifyListeners();
    try {
      _all = await _repository.loadAll();
    } catch (error) {
      _error = error;
    } finally {
      _isLoading = false;
      notifyListeners();
    }
  }

  {{cls}}? byId(String id) {
    for (final {{var}} in _all) {
      if ({{var}}.id == id) {
        return {{var}};
      }
    }
    return null;
  }

  /// A new, unsaved {{lower_label}}, with an id no other draft of this notifier shares.
  {{cls}} draft() {
    final now = DateTime.now();
    _drafts += 1;
    return {{cls}}(id: '${now.microsecondsSinceEpoch}-$_drafts', createdAt: now);
  }

  /// Adds [{{var}}], or replaces the saved {{lower_label}} with its id.
  Future<void> save({{cls}} {{var}}) async {
    final exists = _all.any((saved) => saved.id == {{var}}.id);
    _all = exists
        ? [for (final saved in _all) saved.id == {{var}}.id ? {{var}} : saved]
        : [..._all, {{var}}];
    notifyListeners();
    await _repository.saveAll(_all);
  }

  Future<void> remove(String id) async {
    _all = [for (final saved in _all) if (saved.id != id) saved];
    notifyListeners();
    await _repository.saveAll(_all);
  }

  void search(String query) {
    _query = query.trim();
    notifyListeners();
  }
}
