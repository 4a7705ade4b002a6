"""The `factory` command line: joins the pipeline's and the bot's commands."""
