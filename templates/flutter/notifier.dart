{{imports}}

/// The {{lower_labels}} the app shows: loading, search, save and remove.
class {{cls}}Notifier extends ChangeNotifier {
  {{cls}}Notifier(this._repository);

  final {{cls}}Repository _repository;
  List<{{cls}}> _all = const [];
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
        if ({{var}}.{{title_field}}.toLowerCase().contains(needle)) {{var}},
    ];
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

  /// A new, unsaved {{lower_label}}.
  {{cls}} draft() {
    final now = DateTime.now();
    return {{cls}}(id: now.microsecondsSinceEpoch.toString(), createdAt: now);
  }

  Future<void> save({{cls}} {{var}}) async {
    final exists = _all.any((item) => item.id == {{var}}.id);
    _all = exists
        ? [for (final item in _all) item.id == {{var}}.id ? {{var}} : item]
        : [..._all, {{var}}];
    notifyListeners();
    await _repository.saveAll(_all);
  }

  Future<void> remove(String id) async {
    _all = [for (final item in _all) if (item.id != id) item];
    notifyListeners();
    await _repository.saveAll(_all);
  }

  void search(String query) {
    _query = query.trim();
    notifyListeners();
  }
}
