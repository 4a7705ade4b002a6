{{imports}}

/// One {{lower_label}} in a list.
class {{cls}}Tile extends StatelessWidget {
  const {{cls}}Tile({super.key, required this.{{var}}, this.onTap, this.onDelete});

  final {{cls}} {{var}};
  final VoidCallback? onTap;
  final VoidCallback? onDelete;

  @override
  Widget build(BuildContext context) {
    final title = {{var}}.{{title_field}};
    return ListTile(
      leading: const Icon(Icons.{{icon}}),
      title: Text(title.isEmpty ? 'Untitled {{lower_label}}' : title),
      subtitle: Text({{subtitle}}),
      trailing: onDelete == null
          ? null
          : IconButton(
              icon: const Icon(Icons.delete_outline),
              tooltip: 'Delete',
              onPressed: onDelete,
            ),
      onTap: onTap,
    );
  }
}
