{{imports}}

void main() {
  testWidgets('{{cls}}ListScreen shows its empty state, then saved items', (tester) async {
    final notifier = {{cls}}Notifier({{cls}}Repository(MemoryStore()));
    await notifier.load();
    await tester.pumpWidget(
      ChangeNotifierProvider<{{cls}}Notifier>.value(
        value: notifier,
        child: const MaterialApp(home: {{cls}}ListScreen()),
      ),
    );
    expect(find.text('No {{lower_labels}} yet'), findsOneWidget);

    await notifier.save(notifier.draft().copyWith({{title_field}}: 'Sample {{lower_label}}'));
    await tester.pump();
    expect(find.text('Sample {{lower_label}}'), findsOneWidget);
  });
}
