{{imports}}

void main() {
{{#entities}}
  testWidgets('{{labels}} opens from home and goes back', (tester) async {
    await tester.pumpWidget({{app_class}}(store: MemoryStore()));
    await tester.pumpAndSettle();

    await tester.tap(find.widgetWithText(Card, '{{labels}}'));
    await tester.pumpAndSettle();
    expect(find.widgetWithText(AppBar, '{{labels}}'), findsOneWidget);

    await tester.pageBack();
    await tester.pumpAndSettle();
    expect(find.widgetWithText(AppBar, '{{title}}'), findsOneWidget);
  });

{{/entities}}
}
