"""The fixed text the bot says in comments, in one place."""

from __future__ import annotations

REFUSAL = (
    "Sorry @{user}, only people with write, maintain or admin permission on this repository "
    "can run Code Factory commands (your permission is `{permission}`). Ask a maintainer to "
    "comment the command for you."
)
NO_RUN = "There is no Code Factory run for this pull request."
BUSY = ("The run is still in progress (`{status}`); `/retry` can start once it has finished. "
        "Use `/cancel` to stop it first.")
RETRY_WHICH = "`/retry` needs at least one file, e.g. `/retry lib/main.dart make the title bold`."
RETRY_QUEUED = "Retrying {files} in one commit{note}. The Judge will run again afterwards."
UNSAFE_PATH = "I can't retry `{path}`: {why}."
UNKNOWN_FILE = "`{name}` is not a planned file of this run.{candidates}"
AMBIGUOUS_FILE = "`{name}` matches several planned files; say which one:{candidates}"
CANCELLED = "Cancelled the run (it was `{status}`)."
NOT_CANCELLABLE = "Nothing to cancel: the run is `{status}`."
STATUS = (
    "**Code Factory run `{run_id}`**: `{status}`\n\n"
    "| files | done | failed | blocked | pending | commits |\n|---|---|---|---|---|---|\n"
    "| {total} | {done} | {failed} | {blocked} | {pending} | {commits} |"
)
WAITING_FOR_CI = ("\n\nIt waits for the repository's CI on its last commit; `/retry` works "
                  "meanwhile.")
CANDIDATE = "\n- `{path}`"
NOT_HANDLED = (
    "Code Factory could not handle this `{event}` event after {attempts} attempts (delivery "
    "`{delivery}`), so nothing came of it. The server's log has the error; once it is fixed, "
    "do again what you did (relabel the issue or repeat the command)."
)
EARLY_FAILURE = (
    "Code Factory could not start run `{run_id}` on GitHub: {reason}.\n\n"
    "Nothing was generated. To try again once the cause is gone, remove the label and add it "
    "again."
)
ALREADY_BUILT = (
    "This issue already has a finished run, `{run_id}` ({status}), on PR #{pr}, so the label "
    "started nothing. To change files, comment `/retry lib/file.dart what to change` on the "
    "PR; to build a different app, open a new issue with the new idea."
)
