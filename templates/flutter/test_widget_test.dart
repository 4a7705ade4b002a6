{{imports}}

void main() {
  testWidgets('home lists every section', (tester) async {
    await tester.pumpWidget({{app_class}}(store: MemoryStore()));
    await tester.pumpAndSettle();

    expect(find.text('{{title}}'), findsOneWidget);
{{#entities}}
    expect(find.text('{{labels}}'), findsOneWidget);
{{/entities}}
  });
}
