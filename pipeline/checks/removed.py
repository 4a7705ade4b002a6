"""Names Flutter had and removed, with what replaced them (the sources no longer say).

Each entry was deprecated with a message naming its replacement and later deleted; the API
index built from today's sources cannot know them, so this small table does.
"""

from __future__ import annotations

REMOVED_TYPES: dict[str, str] = {
    "RaisedButton": "ElevatedButton",
    "FlatButton": "TextButton",
    "OutlineButton": "OutlinedButton",
    "WhitelistingTextInputFormatter": "FilteringTextInputFormatter.allow",
    "BlacklistingTextInputFormatter": "FilteringTextInputFormatter.deny",
}
"""Removed classes -> what to use instead."""
REMOVED_MEMBERS: dict[tuple[str, str], str] = {
    **{("TextTheme", old): new for old, new in {
        "headline1": "displayLarge", "headline2": "displayMedium", "headline3": "displaySmall",
        "headline4": "headlineMedium", "headline5": "headlineSmall", "headline6": "titleLarge",
        "subtitle1": "titleMedium", "subtitle2": "titleSmall", "bodyText1": "bodyLarge",
        "bodyText2": "bodyMedium", "caption": "bodySmall", "button": "labelLarge",
        "overline": "labelSmall",
    }.items()},
    ("ThemeData", "accentColor"): "colorScheme.secondary",
    ("ThemeData", "accentColorBrightness"): "colorScheme.brightness",
    ("ThemeData", "accentTextTheme"): "textTheme",
    ("ThemeData", "accentIconTheme"): "iconTheme",
    ("ThemeData", "buttonColor"): "elevatedButtonTheme",
    ("ThemeData", "errorColor"): "colorScheme.error",
    ("ThemeData", "backgroundColor"): "colorScheme.surface",
    ("ThemeData", "bottomAppBarColor"): "bottomAppBarTheme.color",
    ("ThemeData", "toggleableActiveColor"): "colorScheme.primary",
    ("ThemeData", "selectedRowColor"): "colorScheme.primary",
    ("ScaffoldState", "showSnackBar"): "ScaffoldMessenger.of(context).showSnackBar",
    ("ScaffoldState", "hideCurrentSnackBar"): "ScaffoldMessenger.of(context).hideCurrentSnackBar",
}
"""Removed (type, member or parameter) -> what to use instead."""


def removed_member(owner: str, name: str) -> str | None:
    """What replaced `owner.name` (a member or a constructor parameter), if Flutter removed it."""
    return REMOVED_MEMBERS.get((owner, name))
