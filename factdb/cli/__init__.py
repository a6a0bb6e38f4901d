"""The command-line interface: parse options, call one service, render, map errors to exit codes."""
