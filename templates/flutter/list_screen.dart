{{imports}}

/// Every {{lower_label}}, searchable, with empty, loading and error states.
class {{cls}}ListScreen extends StatelessWidget {
  const {{cls}}ListScreen({super.key});

  @override
  Widget build(BuildContext context) {
    final notifier = context.watch<{{cls}}Notifier>();
    return Scaffold(
      appBar: AppBar(title: const Text('{{labels}}')),
      body: Column(
        children: [
          Padding(
            padding: const EdgeInsets.fromLTRB(16, 8, 16, 0),
            child: TextField(
              decoration: const InputDecoration(
                prefixIcon: Icon(Icons.search),
                hintText: 'Search {{lower_labels}}',
              ),
              onChanged: notifier.search,
            ),
          ),
          Expanded(child: _{{cls}}ListBody(notifier: notifier)),
        ],
      ),
      floatingActionButton: FloatingActionButton.extended(
        onPressed: () => context.push(RoutePaths.new{{cls}}),
        icon: const Icon(Icons.add),
        label: const Text('New {{lower_label}}'),
      ),
    );
  }
}

class _{{cls}}ListBody extends StatelessWidget {
  const _{{cls}}ListBody({required this.notifier});

  final {{cls}}Notifier notifier;

  @override
  Widget build(BuildContext context) {
    if (notifier.isLoading && notifier.items.isEmpty) {
      return const Center(child: CircularProgressIndicator());
    }
    final error = notifier.error;
    if (error != null) {
      return Center(
        child: Column(
          mainAxisSize: MainAxisSize.min,
          children: [
            Text('Could not load {{lower_labels}}: $error'),
            TextButton(onPressed: notifier.load, child: const Text('Try again')),
          ],
        ),
      );
    }
    final items = notifier.items;
    if (items.isEmpty) {
      return EmptyState(
        icon: Icons.{{icon}},
        message: notifier.query.isEmpty
            ? 'No {{lower_labels}} yet'
            : 'No {{lower_labels}} match "${notifier.query}"',
        actionLabel: 'Add a {{lower_label}}',
        onAction: () => context.push(RoutePaths.new{{cls}}),
      );
    }
    return ListView.separated(
      itemCount: items.length,
      separatorBuilder: (context, index) => const Divider(height: 1),
      itemBuilder: (context, index) {
        final {{var}} = items[index];
        return {{cls}}Tile(
          {{var}}: {{var}},
          onTap: () => context.push(RoutePaths.{{var}}({{var}}.id)),
          onDelete: () => _confirmDelete(context, {{var}}),
        );
      },
    );
  }
}

Future<void> _confirmDelete(BuildContext context, {{cls}} {{var}}) async {
  final notifier = context.read<{{cls}}Notifier>();
  final confirmed = await showDialog<bool>(
    context: context,
    builder: (context) => AlertDialog(
      title: const Text('Delete {{lower_label}}?'),
      content: Text('"${{{var}}.{{title_field}}}" will be removed.'),
      actions: [
        TextButton(
          onPressed: () => Navigator.of(context).pop(false),
          child: const Text('Cancel'),
        ),
        FilledButton(
          onPressed: () => Navigator.of(context).pop(true),
          child: const Text('Delete'),
        ),
      ],
    ),
  );
  if (confirmed ?? false) {
    await notifier.remove({{var}}.id);
  }
}
