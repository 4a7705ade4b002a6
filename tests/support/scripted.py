"""A scripted engine for orchestrator tests: a tiny, valid Flutter app and hooks to break it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from pipeline.answers import FileBody, FileSpec, Plan, PlanReview, RiskLevel
from pipeline.asks import Ask, FileAsk, FileReviewAsk, PlanReviewAsk
from pipeline.engines.base import A, Reply, Usage
from pipeline.events import Event
from tests.fakes.canned_answers import valid_answer

PUBSPEC = """name: notes
description: Notes.
publish_to: none
version: 1.0.0
environment:
  sdk: ">=3.3.0 <4.0.0"
dependencies:
  flutter:
    sdk: flutter
dev_dependencies:
  flutter_test:
    sdk: flutter
"""
MODEL = """class Note {
  const Note({required this.title});

  final String title;

  factory Note.fromJson(Map<String, Object?> json) => Note(title: json['title'] as String);

  Map<String, Object?> toJson() => {'title': title};
}
"""
SCREEN = """import 'package:flutter/material.dart';

import '../models/note.dart';

class NoteScreen extends StatelessWidget {
  const NoteScreen({super.key, required this.notes});

  final List<Note> notes;

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      appBar: AppBar(title: const Text('Notes')),
      body: notes.isEmpty
          ? const Center(child: Text('No notes yet'))
          : ListView(children: [for (final n in notes) ListTile(title: Text(n.title))]),
    );
  }
}
"""
MAIN = """import 'package:flutter/material.dart';

import 'models/note.dart';
import 'screens/note_screen.dart';

void main() {
  runApp(const MaterialApp(home: NoteScreen(notes: <Note>[])));
}
"""
TEST = """import 'package:flutter_test/flutter_test.dart';
import 'package:notes/models/note.dart';

void main() {
  test('Note round-trips JSON', () {
    const note = Note(title: 'a');
    expect(Note.fromJson(note.toJson()).title, 'a');
  });
}
"""
WIDGET_TEST = """import 'package:flutter/material.dart';
import 'package:flutter_test/flutter_test.dart';
import 'package:notes/screens/note_screen.dart';

void main() {
  testWidgets('shows the empty state', (tester) async {
    await tester.pumpWidget(const MaterialApp(home: NoteScreen(notes: [])));
    expect(find.text('No notes yet'), findsOneWidget);
  });
}
"""
ANALYSIS = "include: package:flutter_lints/flutter.yaml\n"
FILES: dict[str, tuple[str, list[str], list[str]]] = {
    "pubspec.yaml": (PUBSPEC, [], []),
    "analysis_options.yaml": ("linter:\n  rules:\n    - prefer_const_constructors\n", [], []),
    "lib/models/note.dart": (MODEL, ["Note"], ["pubspec.yaml"]),
    "lib/screens/note_screen.dart": (SCREEN, ["NoteScreen"], ["lib/models/note.dart"]),
    "lib/main.dart": (MAIN, [], ["lib/models/note.dart", "lib/screens/note_screen.dart"]),
    "test/models/note_test.dart": (TEST, [], ["lib/models/note.dart"]),
    "test/widget_test.dart": (WIDGET_TEST, [], ["lib/screens/note_screen.dart"]),
}
LEVELS = 4  # pubspec -> model -> screen -> main


def plan() -> Plan:
    return Plan(
        app_name="notes", title="Notes", summary="Keep notes.", entities=["Note"],
        files=[FileSpec(path=p, purpose=f"the {p}", exports=e, depends_on=d)
               for p, (_, e, d) in FILES.items()],
    )


class ScriptedEngine:
    """Answers every ask correctly unless a hook says otherwise; counts asks by (type, path)."""

    name = "scripted"
    offline = True

    def __init__(self, *, score: int = 8, risk: RiskLevel = RiskLevel.LOW,
                 cost_per_call: float = 0.0) -> None:
        self.score = score
        self.risk = risk
        self.cost_per_call = cost_per_call
        self.calls: Counter[tuple[str, str | None]] = Counter()
        self.file_hook: Callable[[FileAsk], str | None] = lambda ask: None
        self.review_hook: Callable[[PlanReviewAsk], PlanReview | None] = lambda ask: None
        self.file_review_hook: Callable[[FileReviewAsk], None] = lambda ask: None
        self.closed = False

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        path = getattr(getattr(ask, "spec", None), "path", None)
        self.calls[(type(ask).__name__, path)] += 1
        answer = self._answer(ask)
        assert isinstance(answer, answer_type)
        usage = Usage(model="scripted", input_tokens=100, output_tokens=50,
                      cost_usd=self.cost_per_call)
        return Reply(answer, usage)

    def _answer(self, ask: Ask) -> BaseModel:
        if isinstance(ask, PlanReviewAsk) and (review := self.review_hook(ask)) is not None:
            return review
        if isinstance(ask, FileAsk) and (override := self.file_hook(ask)) is not None:
            return FileBody(content=override)
        if isinstance(ask, FileReviewAsk):
            self.file_review_hook(ask)
        return valid_answer(ask, plan(), lambda path: FILES[path][0], score=self.score,
                            risk=self.risk)

    async def aclose(self) -> None:
        self.closed = True


class Collector:
    """A sink that keeps every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def emit(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]
