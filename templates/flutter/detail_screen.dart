{{imports}}

/// Creates a {{lower_label}} (no [{{var}}Id]) or edits and deletes an existing one.
class {{cls}}DetailScreen extends StatefulWidget {
  const {{cls}}DetailScreen({super.key, this.{{var}}Id});

  final String? {{var}}Id;

  @override
  State<{{cls}}DetailScreen> createState() => _{{cls}}DetailScreenState();
}

class _{{cls}}DetailScreenState extends State<{{cls}}DetailScreen> {
  final _formKey = GlobalKey<FormState>();
  late final {{cls}} _original;
  late final bool _isNew;
{{#fields}}
{{#uses_controller}}
  late final TextEditingController _{{name}}Controller;
{{/uses_controller}}
{{#is_bool}}
  late bool _{{name}};
{{/is_bool}}
{{#is_date}}
  DateTime? _{{name}};
{{/is_date}}
{{/fields}}

  @override
  void initState() {
    super.initState();
    final notifier = context.read<{{cls}}Notifier>();
    final id = widget.{{var}}Id;
    final existing = id == null ? null : notifier.byId(id);
    _isNew = existing == null;
    _original = existing ?? notifier.draft();
{{#fields}}
{{#uses_controller}}
    _{{name}}Controller = TextEditingController(text: {{controller_text}});
{{/uses_controller}}
{{#is_bool}}
    _{{name}} = _original.{{name}};
{{/is_bool}}
{{#is_date}}
    _{{name}} = _original.{{name}};
{{/is_date}}
{{/fields}}
  }

  @override
  void dispose() {
{{#fields}}
{{#uses_controller}}
    _{{name}}Controller.dispose();
{{/uses_controller}}
{{/fields}}
    super.dispose();
  }

  Future<void> _save() async {
    if (!(_formKey.currentState?.validate() ?? false)) {
      return;
    }
    final notifier = context.read<{{cls}}Notifier>();
    final updated = _original.copyWith(
{{#fields}}
      {{name}}: {{read_back}},
{{/fields}}
    );
    await notifier.save(updated);
    if (!mounted) {
      return;
    }
    context.pop();
  }

  Future<void> _delete() async {
    final notifier = context.read<{{cls}}Notifier>();
    await notifier.remove(_original.id);
    if (!mounted) {
      return;
    }
    context.pop();
  }
{{#fields}}
{{#is_date}}

  Future<void> _pick{{Name}}() async {
    final picked = await showDatePicker(
      context: context,
      initialDate: _{{name}} ?? DateTime.now(),
      firstDate: DateTime(2000),
      lastDate: DateTime(2100),
    );
    if (picked != null && mounted) {
      setState(() => _{{name}} = picked);
    }
  }
{{/is_date}}
{{/fields}}

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      appBar: AppBar(
        title: Text(_isNew ? 'New {{lower_label}}' : 'Edit {{lower_label}}'),
        actions: [
          if (!_isNew)
            IconButton(
              icon: const Icon(Icons.delete_outline),
              tooltip: 'Delete',
              onPressed: _delete,
            ),
        ],
      ),
      body: Form(
        key: _formKey,
        child: ListView(
          padding: const EdgeInsets.all(16),
          children: [
{{#fields}}
{{#is_text}}
            TextFormField(
              controller: _{{name}}Controller,
              decoration: const InputDecoration(labelText: '{{label}}'),
              textInputAction: TextInputAction.next,
{{#is_title}}
              validator: _required,
{{/is_title}}
            ),
{{/is_text}}
{{#is_longtext}}
            TextFormField(
              controller: _{{name}}Controller,
              decoration: const InputDecoration(labelText: '{{label}}'),
              minLines: 3,
              maxLines: 6,
            ),
{{/is_longtext}}
{{#is_int}}
            TextFormField(
              controller: _{{name}}Controller,
              decoration: const InputDecoration(labelText: '{{label}}'),
              keyboardType: TextInputType.number,
              validator: _wholeNumber,
            ),
{{/is_int}}
{{#is_double}}
            TextFormField(
              controller: _{{name}}Controller,
              decoration: const InputDecoration(labelText: '{{label}}'),
              keyboardType: const TextInputType.numberWithOptions(decimal: true),
              validator: _decimalNumber,
            ),
{{/is_double}}
{{#is_list}}
            TextFormField(
              controller: _{{name}}Controller,
              decoration: const InputDecoration(
                labelText: '{{label}}',
                helperText: 'One per line',
              ),
              minLines: 3,
              maxLines: 8,
            ),
{{/is_list}}
{{#is_bool}}
            SwitchListTile(
              title: const Text('{{label}}'),
              value: _{{name}},
              onChanged: (value) => setState(() => _{{name}} = value),
            ),
{{/is_bool}}
{{#is_date}}
            ListTile(
              title: const Text('{{label}}'),
              subtitle: Text(_{{name}} == null ? 'Not set' : formatDate(_{{name}}!)),
              trailing: const Icon(Icons.calendar_today),
              onTap: _pick{{Name}},
            ),
{{/is_date}}
            const SizedBox(height: 12),
{{/fields}}
            Text(
              'Created ${formatDate(_original.createdAt)}',
              style: Theme.of(context).textTheme.bodySmall,
            ),
            const SizedBox(height: 24),
            FilledButton.icon(
              onPressed: _save,
              icon: const Icon(Icons.save),
              label: const Text('Save'),
            ),
          ],
        ),
      ),
    );
  }
}

String? _required(String? value) {
  return (value == null || value.trim().isEmpty) ? 'Required' : null;
}
{{#has_int}}

String? _wholeNumber(String? value) {
  final text = value?.trim() ?? '';
  return text.isEmpty || int.tryParse(text) != null ? null : 'Enter a whole number';
}
{{/has_int}}
{{#has_double}}

String? _decimalNumber(String? value) {
  final text = value?.trim() ?? '';
  return text.isEmpty || double.tryParse(text) != null ? null : 'Enter a number';
}
{{/has_double}}
{{#has_list}}

List<String> _lines(String text) {
  return [
    for (final line in text.split('\n'))
      if (line.trim().isNotEmpty) line.trim(),
  ];
}
{{/has_list}}
