{{imports}}

Future<void> main() async {
  WidgetsFlutterBinding.ensureInitialized();
  final store = await SharedPreferencesStore.open();
  runApp({{app_class}}(store: store));
}
