/// Formats [date] as year-month-day, e.g. 2024-06-01.
String formatDate(DateTime date) {
  final month = date.month.toString().padLeft(2, '0');
  final day = date.day.toString().padLeft(2, '0');
  return '${date.year}-$month-$day';
}

/// Formats a count with its noun, e.g. "1 recipe" or "3 recipes".
String formatCount(int count, String singular, {String? plural}) {
  final noun = count == 1 ? singular : (plural ?? '${singular}s');
  return '$count $noun';
}
