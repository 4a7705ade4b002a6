"""An independent scan of generated Dart for mistakes that stop it compiling or lose data.

Written apart from `pipeline/checks/` on purpose, so it can catch what those checks miss:
- a Dart reserved word declared as a name (`final case = …`, `static String switch(…)`),
  and a built-in identifier as the name of a type (`class Function`);
- a member declared twice in one class (two `RoutePaths.series`);
- a name declared twice in one scope, parameters included (`(context) { final context …`);
- a value compared with itself (`(item) => item.id == item.id`);
- a list of constants passed as a named argument without `const` (flutter_lints'
  `prefer_const_literals_to_create_immutables`, which fails `flutter analyze`);
- and, by tree-sitter, any syntax error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import tree_sitter

from tests.offline_app import dart_parser

RESERVED = frozenset(
    "assert break case catch class const continue default do else enum extends false final "
    "finally for if in is new null rethrow return super switch this throw true try var void "
    "while with".split())
BUILT_IN = frozenset(
    "abstract as covariant deferred dynamic export extension external factory Function get "
    "implements import interface late library mixin operator part required set static "
    "typedef".split())
STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
COMMENT = re.compile(r"//[^\n]*")
TYPE_NAME = re.compile(r"\b(?:class|enum|mixin|extension|typedef)\s+([A-Za-z_]\w*)")
TYPE = r"(?:[A-Z]\w*(?:<[^;={}()]*?>)?\??|int|double|bool|num|dynamic|void)"
VARIABLE = re.compile(
    rf"\b(?:final|const|var|late)\s+(?:{TYPE}\s+)?([A-Za-z_]\w*)\s*(?==|;|,|\bin\b)")
TYPED = re.compile(rf"(?:^|[({{,;]|\bstatic|\bfinal|\brequired)\s*{TYPE}\s+([A-Za-z_]\w*)"
                   r"\s*(?=[=;,(){}]|=>)", re.MULTILINE)
GETTER = re.compile(r"\bget\s+([A-Za-z_]\w*)")
THIS_PARAM = re.compile(r"\bthis\.([A-Za-z_]\w*)")
LAMBDA = re.compile(r"\(\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)\s*(?:async\s*)?(?:=>|\{)")
SELF_COMPARE = re.compile(
    r"(?<![\w.$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:==|!=)\s*\1(?![\w.$(])")
CONSTANT_LIST_ARGUMENT = re.compile(
    r"(?<!const )\b\w+: \[\s*(?:(?:'[^'\\\n]*'|\d+(?:\.\d+)?|true|false)\s*,?\s*)+\]")
CLASS_BODY = re.compile(r"\bclass\s+(\w+)[^{;]*\{")
MEMBER_BODY = re.compile(r"(?:\)|\basync|\bsync\*?|\bget\s+\w+)$")
"""What precedes `{` when it opens a member's body, not a map or set literal."""


def scan(path: str, text: str) -> list[str]:
    """Every problem in one Dart file, as `path:line: what`."""
    code = _code_only(text)
    found = [f"{path}:{_line(code, m.start())}: {m.group(0)!r} compares a value with itself"
             for m in SELF_COMPARE.finditer(code)]
    for name, at in _declared(code):
        if name in RESERVED:
            found.append(f"{path}:{_line(code, at)}: reserved word {name!r} declared as a name")
    for m in TYPE_NAME.finditer(code):
        if m.group(1) in RESERVED or m.group(1) in BUILT_IN:
            found.append(f"{path}:{_line(code, m.start())}: {m.group(1)!r} names a type")
    for cls, members in _class_members(code):
        for name, count in Counter(members).items():
            if count > 1:
                found.append(f"{path}: class {cls} declares {name!r} {count} times")
    found += [f"{path}:{_line(text, m.start())}: {m.group(0)!r} could be const"
              for m in CONSTANT_LIST_ARGUMENT.finditer(COMMENT.sub("", text))]
    tree = dart_parser().parse(text.encode())
    if tree.root_node.has_error:
        found.append(f"{path}: does not parse")
    found += [f"{path}:{line}: {what}" for line, what in _scope_clashes(tree.root_node)]
    return found


def _code_only(text: str) -> str:
    """`text` with comments and string contents blanked (same length, same lines)."""
    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))
    return STRING.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1],
                      COMMENT.sub(blank, text))


def _line(code: str, at: int) -> int:
    return code.count("\n", 0, at) + 1


def _declared(code: str) -> Iterator[tuple[str, int]]:
    for pattern in (VARIABLE, TYPED, GETTER, THIS_PARAM):
        for m in pattern.finditer(code):
            yield m.group(1), m.start(1)
    for m in LAMBDA.finditer(code):
        for name in re.split(r"\s*,\s*", m.group(1)):
            yield name, m.start(1)


def _class_members(code: str) -> Iterator[tuple[str, list[str]]]:
    """Each class and the names its members declare, read at the class body's own depth."""
    for m in CLASS_BODY.finditer(code):
        depth, shallow, i, body = 1, [], m.end(), False
        while i < len(code) and depth:
            ch = code[i]
            if ch == "{":
                if depth == 1:  # a member's body ends the member; a literal `{}` does not
                    body = bool(MEMBER_BODY.search(code[max(0, i - 60):i].rstrip()))
                    shallow.append("" if body else "{}")
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 1 and body:
                    shallow.append(";")
            elif depth == 1:
                shallow.append(ch)
            i += 1
        members = []
        for statement in "".join(shallow).split(";"):
            name = _member_name(statement)
            if name:
                members.append(name)
        yield m.group(1), members


def _member_name(statement: str) -> str | None:
    text = re.sub(r"@\w+", " ", statement).strip()
    if not text or "operator" in text.split():
        return None
    getter = GETTER.search(text)
    if getter:
        return getter.group(1)
    equals, paren = text.find("="), text.find("(")
    head = text[:equals] if equals != -1 and (paren == -1 or equals < paren) else (
        text[:paren] if paren != -1 else text)
    names = re.findall(r"[A-Za-z_]\w*", head.replace(".", " "))
    return names[-1] if names else None


def _scope_clashes(root: tree_sitter.Node) -> Iterator[tuple[int, str]]:
    """Names declared twice in one scope, a function's parameters counting as its body's."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "block":
            continue
        names = [_name(d) for d in node.named_children if d.type == "local_variable_declaration"]
        params = _parameters_of(node)
        seen = Counter(n for n in [*params, *names] if n)
        for name, count in seen.items():
            if count > 1:
                yield node.start_point[0] + 1, f"{name!r} declared {count} times in one scope"


def _name(declaration: tree_sitter.Node) -> str | None:
    for child in declaration.named_children:
        if child.type == "initialized_variable_definition":
            ident = next((c for c in child.named_children if c.type == "identifier"), None)
            return ident.text.decode() if ident is not None and ident.text else None
    return None


def _parameters_of(block: tree_sitter.Node) -> list[str]:
    """The parameters of the function whose body `block` is, if it is one."""
    body = block.parent
    if body is None or body.type not in ("function_body", "function_expression_body"):
        return []
    owner = body.parent if body.type == "function_expression_body" else body.prev_named_sibling
    if owner is None:
        return []
    names: list[str] = []
    todo = [c for c in owner.named_children if c.type != "function_expression_body"]
    while todo:
        node = todo.pop()
        if node.type == "formal_parameter":
            idents = [c for c in node.named_children if c.type == "identifier"]
            if idents and idents[-1].text:
                names.append(idents[-1].text.decode())
        elif node.type in ("formal_parameter_list", "optional_formal_parameters",
                           "function_signature", "method_signature"):
            todo.extend(node.named_children)
    return names
