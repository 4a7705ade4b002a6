{{imports}}

void main() {
  test('formatDate pads month and day', () {
    expect(formatDate(DateTime(2024, 3, 7)), '2024-03-07');
  });

  test('formatCount picks singular or plural', () {
    expect(formatCount(1, 'item'), '1 item');
    expect(formatCount(3, 'item'), '3 items');
    expect(formatCount(2, 'entry', plural: 'entries'), '2 entries');
  });
}
