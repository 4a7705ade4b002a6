{{imports}}

void main() {
  test('MemoryStore writes, reads and removes', () async {
    final store = MemoryStore({'kept': 'yes'});
    expect(await store.read('kept'), 'yes');
    await store.write('key', 'value');
    expect(await store.read('key'), 'value');
    await store.remove('key');
    expect(await store.read('key'), isNull);
  });
}
