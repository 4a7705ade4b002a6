{{imports}}

void main() {
  testWidgets('home lists every section', (tester) async {
    await tester.pumpWidget({{app_class}}(store: MemoryStore()));
    await tester.pumpAndSettle();

    expect(find.widgetWithText(AppBar, '{{title}}'), findsOneWidget);
{{#entities}}
    expect(find.widgetWithText(Card, '{{labels}}'), findsOneWidget);
{{/entities}}
  });
}
