"""One module per `factory` subcommand, each with `register(subparsers)` and `main(args)`."""
