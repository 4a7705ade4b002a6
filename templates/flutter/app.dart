{{imports}}

/// The root widget: provides each section's state and routes between screens.
class {{app_class}} extends StatefulWidget {
  const {{app_class}}({super.key, required this.store});

  final KeyValueStore store;

  @override
  State<{{app_class}}> createState() => _{{app_class}}State();
}

class _{{app_class}}State extends State<{{app_class}}> {
  late final GoRouter _router = buildRouter();

  @override
  void dispose() {
    _router.dispose();
    super.dispose();
  }

  @override
  Widget build(BuildContext context) {
    return MultiProvider(
      providers: [
{{#entities}}
        ChangeNotifierProvider(
          create: (_) => {{cls}}Notifier({{cls}}Repository(widget.store))..load(),
        ),
{{/entities}}
      ],
      child: MaterialApp.router(
        title: '{{title}}',
        theme: AppTheme.light(),
        darkTheme: AppTheme.dark(),
        routerConfig: _router,
      ),
    );
  }
}
