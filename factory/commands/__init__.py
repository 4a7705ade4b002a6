"""One module per `factory` subcommand, each with `configure(parser)` and `main(args)`."""
