{{imports}}

void main() {
  group('{{cls}}', () {
    test('survives a JSON round trip', () {
      final {{var}} = {{cls}}(
        id: 'a1',
        createdAt: DateTime.utc(2024, 5, 17, 9, 30),
{{#fields}}
        {{name}}: {{sample}},
{{/fields}}
      );
      expect({{cls}}.fromJson({{var}}.toJson()), {{var}});
    });

    test('copyWith changes only what it is given', () {
      final {{var}} = {{cls}}(id: 'a1', createdAt: DateTime.utc(2024, 5, 17));
      final changed = {{var}}.copyWith({{title_field}}: 'Changed');
      expect(changed.{{title_field}}, 'Changed');
      expect(changed.id, {{var}}.id);
      expect(changed, isNot({{var}}));
    });
  });

  group('{{cls}}Notifier', () {
    late MemoryStore store;
    late {{cls}}Notifier notifier;

    setUp(() {
      store = MemoryStore();
      notifier = {{cls}}Notifier({{cls}}Repository(store));
    });

    test('starts empty and finds what it saved', () async {
      await notifier.load();
      expect(notifier.items, isEmpty);
      final {{var}} = notifier.draft().copyWith({{title_field}}: 'First');
      await notifier.save({{var}});
      expect(notifier.items, [{{var}}]);
      expect(notifier.byId({{var}}.id), {{var}});
    });

    test('keeps {{lower_labels}} in the store', () async {
      await notifier.save(notifier.draft().copyWith({{title_field}}: 'Kept'));
      final reloaded = {{cls}}Notifier({{cls}}Repository(store));
      await reloaded.load();
      expect(reloaded.items.single.{{title_field}}, 'Kept');
    });

    test('save two, edit one, reload, delete one: the right {{lower_labels}} remain',
        () async {
      await notifier.load();
      final first = {{cls}}(
        id: 'first',
        createdAt: DateTime.utc(2024, 1, 1),
        {{title_field}}: 'First',
      );
      final second = {{cls}}(
        id: 'second',
        createdAt: DateTime.utc(2024, 1, 2),
        {{title_field}}: 'Second',
      );
      await notifier.save(first);
      await notifier.save(second);
      await notifier.save(second.copyWith({{title_field}}: 'Second, edited'));

      final reloaded = {{cls}}Notifier({{cls}}Repository(store));
      await reloaded.load();
      expect(reloaded.items.map((saved) => saved.id).toList(), ['first', 'second']);
      expect(
        reloaded.items.map((saved) => saved.{{title_field}}).toList(),
        ['First', 'Second, edited'],
      );

      await reloaded.remove(first.id);
      final afterDelete = {{cls}}Notifier({{cls}}Repository(store));
      await afterDelete.load();
      expect(afterDelete.items.map((saved) => saved.id).toList(), ['second']);
      expect(afterDelete.items.single.{{title_field}}, 'Second, edited');
    });

    test('drafts never share an id', () {
      expect(notifier.draft().id, isNot(notifier.draft().id));
    });

    test('search filters and remove deletes', () async {
      final {{var}} = notifier.draft().copyWith({{title_field}}: 'Alpha');
      await notifier.save({{var}});
      notifier.search('zzz');
      expect(notifier.items, isEmpty);
      notifier.search('alp');
      expect(notifier.items, [{{var}}]);
      await notifier.remove({{var}}.id);
      expect(notifier.count, 0);
    });
  });
}
