"""The agents of a run, one module each: critic, gates, planner, panel, executor, judge."""
