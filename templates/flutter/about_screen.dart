{{imports}}

/// What {{title}} keeps, and where.
class AboutScreen extends StatelessWidget {
  const AboutScreen({super.key});

  @override
  Widget build(BuildContext context) {
    final theme = Theme.of(context);
    return Scaffold(
      appBar: AppBar(title: const Text('About')),
      body: ListView(
        padding: const EdgeInsets.all(16),
        children: [
          Text('{{title}}', style: theme.textTheme.headlineSmall),
          const SizedBox(height: 8),
          const Text('{{description}}'),
          const SizedBox(height: 16),
{{#entities}}
          const ListTile(
            leading: Icon(Icons.{{icon}}),
            title: Text('{{labels}}'),
            subtitle: Text('{{field_list}}'),
          ),
{{/entities}}
          const SizedBox(height: 16),
          Text(
            'Everything stays on this device.',
            style: theme.textTheme.bodySmall,
          ),
        ],
      ),
    );
  }
}
