{{imports}}

/// The start screen: one card per section, each showing how many items it holds.
class HomeScreen extends StatelessWidget {
  const HomeScreen({super.key});

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      appBar: AppBar(
        title: const Text('{{title}}'),
{{#has_about}}
        actions: [
          IconButton(
            icon: const Icon(Icons.info_outline),
            tooltip: 'About',
            onPressed: () => context.push(RoutePaths.about),
          ),
        ],
{{/has_about}}
      ),
      body: ListView(
        padding: const EdgeInsets.all(16),
        children: [
{{#entities}}
          _SectionCard(
            icon: Icons.{{icon}},
            title: '{{labels}}',
            subtitle: formatCount(
              context.watch<{{cls}}Notifier>().count,
              '{{lower_label}}',
              plural: '{{lower_labels}}',
            ),
            onTap: () => context.push(RoutePaths.{{vars}}),
          ),
{{/entities}}
        ],
      ),
    );
  }
}

class _SectionCard extends StatelessWidget {
  const _SectionCard({
    required this.icon,
    required this.title,
    required this.subtitle,
    required this.onTap,
  });

  final IconData icon;
  final String title;
  final String subtitle;
  final VoidCallback onTap;

  @override
  Widget build(BuildContext context) {
    return Card(
      child: ListTile(
        leading: Icon(icon),
        title: Text(title),
        subtitle: Text(subtitle),
        trailing: const Icon(Icons.chevron_right),
        onTap: onTap,
      ),
    );
  }
}
