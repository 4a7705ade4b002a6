{{imports}}

/// A {{lower_label}} as the app stores it.
@immutable
class {{cls}} {
  const {{cls}}({
    required this.id,
    required this.createdAt,
{{#fields}}
    {{param}},
{{/fields}}
  });

  /// Reads a {{lower_label}} from the map written by [toJson].
  factory {{cls}}.fromJson(Map<String, dynamic> json) {
    return {{cls}}(
      id: json['id'] as String,
      createdAt: DateTime.parse(json['createdAt'] as String),
{{#fields}}
      {{name}}: {{from_json}},
{{/fields}}
    );
  }

  final String id;
  final DateTime createdAt;
{{#fields}}
  final {{type}} {{name}};
{{/fields}}

  Map<String, dynamic> toJson() {
    return {
      'id': id,
      'createdAt': createdAt.toIso8601String(),
{{#fields}}
      '{{name}}': {{to_json}},
{{/fields}}
    };
  }

  {{cls}} copyWith({
{{#fields}}
    {{copy_type}} {{name}},
{{/fields}}
  }) {
    return {{cls}}(
      id: id,
      createdAt: createdAt,
{{#fields}}
      {{name}}: {{name}} ?? this.{{name}},
{{/fields}}
    );
  }

  @override
  bool operator ==(Object other) {
    return other is {{cls}} &&
        other.id == id &&
{{#fields}}
        {{equals}} &&
{{/fields}}
        other.createdAt == createdAt;
  }

  @override
  int get hashCode => Object.hash(
        id,
{{#fields}}
        {{hash}},
{{/fields}}
        createdAt,
      );

  @override
  String toString() => '{{cls}}($id, ${{title_field}})';
}
